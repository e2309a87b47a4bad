package dev.lora.eval.generate;

import dev.lora.model.Gpt2Model;
import dev.lora.model.KvCache;
import dev.lora.model.kernels.Workspaces;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;

/**
 * Decoding with the key/value cache: prompts of different lengths are left-padded into one cache (see
 * {@link KvCache}), run once, and every step then feeds one token per row.
 */
final class CachedScorer implements NextTokenScorer {
    /** What fills padding slots; no real token attends to them, so any valid id does. */
    private static final int PAD = 0;
    private static final String WORKSPACE_ID = "lora-decode-step";

    private final Gpt2Model model;
    private KvCache cache;

    private double[][] rowPool = new double[0][];

    CachedScorer(Gpt2Model model) {
        this.model = model;
    }

    @Override
    public double[][] start(List<int[]> prompts, int maxNewTokens) {
        int width = prompts.stream().mapToInt(p -> p.length).max().orElseThrow();
        int[][] ids = new int[prompts.size()][width];
        int[] pads = new int[prompts.size()];
        for (int b = 0; b < ids.length; b++) {
            int[] p = prompts.get(b);
            pads[b] = width - p.length;
            Arrays.fill(ids[b], 0, pads[b], PAD);
            System.arraycopy(p, 0, ids[b], pads[b], p.length);
        }
        // The last generated token is never fed back, hence maxNewTokens - 1 slots after the prompts.
        cache = model.newCache(pads, width + Math.max(0, maxNewTokens - 1));
        int[] last = new int[ids.length];
        for (int b = 0; b < last.length; b++) last[b] = b * width + width - 1;
        try (MemoryWorkspace ws = Workspaces.open(WORKSPACE_ID)) {
            return logits(Nd4j.pullRows(model.hiddenCached(ids, cache), 1, last));
        }
    }

    @Override
    public double[][] step(int[] parents, int[] tokens) {
        // The cache's arrays are made outside the step's workspace: reordering may allocate a larger store.
        if (!isIdentity(parents)) cache.reorder(parents);
        int[][] ids = new int[tokens.length][1];
        for (int b = 0; b < tokens.length; b++) ids[b][0] = tokens[b];
        try (MemoryWorkspace ws = Workspaces.open(WORKSPACE_ID)) {
            return logits(model.hiddenCached(ids, cache));
        }
    }

    /**
     * The next-token logits as double rows, in row arrays reused from step to step: beam search reads a step's rows
     * before it asks for the next step. A fresh 50,257-double row per live beam per step (40 MB a step for 10 contexts
     * of 10 beams) let the JVM's heap grow to 4.7 GB over a decoding run.
     */
    private double[][] logits(INDArray hiddenRows) {
        INDArray logits = model.logits(hiddenRows);
        int rows = (int) logits.size(0), cols = (int) logits.size(1);
        if (rowPool.length < rows || (rows > 0 && rowPool[0].length != cols)) {
            rowPool = new double[Math.max(rows, rowPool.length)][cols];
        }
        return model.kernels().readRows(logits, Arrays.copyOf(rowPool, rows));
    }

    private boolean isIdentity(int[] rows) {
        if (rows.length != cache.batch()) return false;
        for (int i = 0; i < rows.length; i++) if (rows[i] != i) return false;
        return true;
    }
}
