package dev.lora.eval.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A {@link NextTokenScorer} over a hand-written "model": logits as a function of (prompt, generated tokens),
 * so searches can be checked against distributions worked out by hand. Keeps rows exactly as the searches
 * ask, so a wrong parent mapping shows as a wrong distribution.
 */
final class StubScorer implements NextTokenScorer {
    interface Table {
        double[] logits(int[] prompt, int[] generated);
    }

    private final Table table;
    private List<int[]> rowPrompts;
    private List<int[]> rowTokens;
    int steps;
    final List<Integer> rowsPerCall = new ArrayList<>();

    StubScorer(Table table) {
        this.table = table;
    }

    @Override
    public double[][] start(List<int[]> prompts, int maxNewTokens) {
        rowPrompts = new ArrayList<>(prompts);
        rowTokens = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) rowTokens.add(new int[0]);
        return logits();
    }

    @Override
    public double[][] step(int[] parents, int[] tokens) {
        List<int[]> prompts = new ArrayList<>(), generated = new ArrayList<>();
        for (int i = 0; i < parents.length; i++) {
            int[] g = rowTokens.get(parents[i]);
            int[] next = Arrays.copyOf(g, g.length + 1);
            next[g.length] = tokens[i];
            prompts.add(rowPrompts.get(parents[i]));
            generated.add(next);
        }
        rowPrompts = prompts;
        rowTokens = generated;
        steps++;
        return logits();
    }

    private double[][] logits() {
        rowsPerCall.add(rowPrompts.size());
        double[][] out = new double[rowPrompts.size()][];
        // Copies: the searches overwrite the rows they get (NextTokenScorer), and tables hand out shared arrays.
        for (int i = 0; i < out.length; i++) out[i] = table.logits(rowPrompts.get(i), rowTokens.get(i)).clone();
        return out;
    }

    /** Logits whose softmax is {@code probs} (token to probability; the others get probability 0). */
    static double[] probs(int vocab, Map<Integer, Double> probs) {
        double[] out = new double[vocab];
        Arrays.fill(out, Double.NEGATIVE_INFINITY);
        probs.forEach((t, p) -> out[t] = Math.log(p));
        return out;
    }
}
