package dev.lora.eval.generate;

import dev.lora.model.Gpt2Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decoding without a cache: every step runs the full forward pass over each row's whole sequence
 * (right-padded; causal attention keeps padding out of earlier positions). Slow; it checks {@link CachedScorer}.
 */
final class RecomputingScorer implements NextTokenScorer {
    private final Gpt2Model model;
    private List<int[]> rows;

    RecomputingScorer(Gpt2Model model) {
        this.model = model;
    }

    @Override
    public double[][] start(List<int[]> prompts, int maxNewTokens) {
        rows = prompts.stream().map(int[]::clone).toList();
        return logits();
    }

    @Override
    public double[][] step(int[] parents, int[] tokens) {
        List<int[]> next = new ArrayList<>();
        for (int i = 0; i < parents.length; i++) {
            int[] parent = rows.get(parents[i]);
            int[] row = Arrays.copyOf(parent, parent.length + 1);
            row[parent.length] = tokens[i];
            next.add(row);
        }
        rows = next;
        return logits();
    }

    private double[][] logits() {
        int width = rows.stream().mapToInt(r -> r.length).max().orElseThrow();
        int[][] ids = new int[rows.size()][width];
        int[] last = new int[rows.size()];
        for (int b = 0; b < ids.length; b++) {
            int[] r = rows.get(b);
            System.arraycopy(r, 0, ids[b], 0, r.length);
            last[b] = b * width + r.length - 1;
        }
        INDArray hidden = model.hidden(ids, false);
        return model.kernels().readRows(model.logits(Nd4j.pullRows(hidden, 1, last)));
    }
}
