package dev.lora.data;


import java.util.List;

/**
 * Examples as one right-padded id matrix, with the hidden-state rows whose next token is a
 * completion token (the loss positions) and those targets. {@code keys} name the examples (their
 * indices in the training data) for anything that must follow an example wherever it sits in a batch:
 * the LoRA-dropout masks.
 */
public record Batch(int[][] ids, int[] rows, int[] targets, int realTokens, int[] keys) {
    /** Pad id: any id works since causal attention never lets a real position see padding. */
    public static final int PAD = 50256;

    /** Examples keyed 0, 1, ... in list order (evaluation, benchmarks). */
    public static Batch of(List<Example> examples) {
        return of(examples, java.util.stream.IntStream.range(0, examples.size()).toArray());
    }

    public static Batch of(List<Example> examples, int[] keys) {
        if (keys.length != examples.size())
            throw new IllegalArgumentException(keys.length + " keys for " + examples.size() + " examples");
        int time = examples.stream().mapToInt(Example::length).max().orElseThrow();
        int[][] ids = new int[examples.size()][time];
        int lossTokens = examples.stream().mapToInt(Example::lossTokens).sum();
        int[] rows = new int[lossTokens];
        int[] targets = new int[lossTokens];
        int k = 0, real = 0;
        for (int b = 0; b < examples.size(); b++) {
            int[] tokens = examples.get(b).tokens();
            java.util.Arrays.fill(ids[b], PAD);
            System.arraycopy(tokens, 0, ids[b], 0, tokens.length);
            real += tokens.length;
            for (int t = examples.get(b).firstLossPosition(); t + 1 < tokens.length; t++) {
                rows[k] = b * time + t;
                targets[k++] = tokens[t + 1];
            }
        }
        return new Batch(ids, rows, targets, real, keys.clone());
    }

    /** Positions per row of {@link #ids()}: the longest example's length. */
    public int time() {
        return ids[0].length;
    }

    public int lossTokens() {
        return rows.length;
    }
}
