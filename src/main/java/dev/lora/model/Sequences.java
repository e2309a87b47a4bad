package dev.lora.model;

import java.util.Arrays;

/**
 * How a batch's activation rows divide into sequences: sequence s is rows [offset(s), offset(s) + length(s)), its
 * tokens at positions 0, 1, ... Attention stays within a sequence (causal), everything else works on rows. A
 * right-padded [B, T] batch is B sequences of length T; a padding-free batch is its examples' real tokens,
 * concatenated, so no row is padding.
 */
public final class Sequences {
    private final int[] lengths;
    /** offsets[s] is sequence s's first row; offsets[count] is the number of rows. */
    private final int[] offsets;

    private Sequences(int[] lengths) {
        if (lengths.length == 0) throw new IllegalArgumentException("no sequences");
        this.lengths = lengths.clone();
        this.offsets = new int[lengths.length + 1];
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] < 1) throw new IllegalArgumentException("sequence length " + lengths[i]);
            offsets[i + 1] = offsets[i] + lengths[i];
        }
    }

    public static Sequences of(int... lengths) {
        return new Sequences(lengths);
    }

    /** B rows of a right-padded batch, each a sequence of T positions. */
    public static Sequences padded(int batch, int time) {
        int[] lengths = new int[batch];
        Arrays.fill(lengths, time);
        return of(lengths);
    }

    public int count() {
        return lengths.length;
    }

    public int length(int s) {
        return lengths[s];
    }

    /** Sequence s's first row; {@code offset(count())} is the number of rows. */
    public int offset(int s) {
        return offsets[s];
    }

    public int rows() {
        return offsets[lengths.length];
    }

    public int longest() {
        return Arrays.stream(lengths).max().orElse(0);
    }

    /**
     * Runs of consecutive sequences of one length, as {first sequence, count}: each run's rows are a [count, length]
     * block, so its attention is one batched product (a right-padded batch is a single run).
     */
    public java.util.List<int[]> runs() {
        java.util.List<int[]> out = new java.util.ArrayList<>();
        for (int s = 0; s < count(); ) {
            int e = s;
            while (e < count() && lengths[e] == lengths[s]) e++;
            out.add(new int[]{s, e - s});
            s = e;
        }
        return out;
    }

    /** For each row, its sequence. */
    public int[] sequenceOfRow() {
        int[] out = new int[rows()];
        for (int s = 0; s < count(); s++) Arrays.fill(out, offsets[s], offsets[s + 1], s);
        return out;
    }
}
