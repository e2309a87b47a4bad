package dev.lora.data;


import java.util.List;

/**
 * Examples as one right-padded id matrix, with the hidden-state rows whose next token is a
 * completion token (the loss positions) and those targets.
 */
public record Batch(int[][] ids, int[] rows, int[] targets, int realTokens) {
    /** Pad id: any id works since causal attention never lets a real position see padding. */
    public static final int PAD = 50256;

    public static Batch of(List<Example> examples) {
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
        return new Batch(ids, rows, targets, real);
    }

    public int lossTokens() {
        return rows.length;
    }
}
