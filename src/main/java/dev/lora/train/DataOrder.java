package dev.lora.train;

import dev.lora.adapter.Seeds;

import java.util.Arrays;
import java.util.Random;

/**
 * Which examples make up each micro-batch: file order, or a shuffle seeded by (seed, epoch) so any
 * step's batches can be recomputed on resume without saved generator state. The last partial batch
 * of an epoch is kept; an epoch's last optimiser step may have fewer than grad_accum micro-batches.
 * With {@code lengths} (train.group_by_length), the epoch's order is cut into megabatches of up to 50
 * optimiser steps' examples and each is sorted by length, longest first, as Hugging Face's
 * LengthGroupedSampler does: examples of similar length share micro-batches.
 */
public record DataOrder(int examples, int batchSize, int gradAccum, boolean shuffle, long seed, int[] lengths) {

    public DataOrder(int examples, int batchSize, int gradAccum, boolean shuffle, long seed) {
        this(examples, batchSize, gradAccum, shuffle, seed, null);
    }

    public DataOrder {
        if (lengths != null && lengths.length != examples)
            throw new IllegalArgumentException(lengths.length + " lengths for " + examples + " examples");
    }

    public int batchesPerEpoch() {
        return (examples + batchSize - 1) / batchSize;
    }

    public int stepsPerEpoch() {
        return (batchesPerEpoch() + gradAccum - 1) / gradAccum;
    }

    public int epochOf(long step) {
        return (int) (step / stepsPerEpoch());
    }

    /** Example indices of each micro-batch of optimiser step {@code step} (0-based). */
    public int[][] microBatches(long step) {
        int[] order = order(epochOf(step));
        int first = (int) (step % stepsPerEpoch()) * gradAccum;
        int count = Math.min(gradAccum, batchesPerEpoch() - first);
        int[][] out = new int[count][];
        for (int i = 0; i < count; i++) {
            int from = (first + i) * batchSize, to = Math.min(examples, from + batchSize);
            out[i] = Arrays.copyOfRange(order, from, to);
        }
        return out;
    }

    private int[] order(int epoch) {
        int[] idx = new int[examples];
        for (int i = 0; i < examples; i++) idx[i] = i;
        if (shuffle) {
            Random rng = new Random(Seeds.mix(seed, 0x5EED, epoch));
            for (int i = examples - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
        }
        if (lengths != null) groupByLength(idx);
        return idx;
    }

    /** HF's megabatch size: 50 steps' examples, fewer for a small data set (at least one step's). */
    private void groupByLength(int[] idx) {
        int perStep = batchSize * gradAccum;
        int mega = perStep * Math.max(1, Math.min(50, examples / (perStep * 4)));
        for (int from = 0; from < examples; from += mega) {
            Integer[] part = new Integer[Math.min(mega, examples - from)];
            for (int i = 0; i < part.length; i++) part[i] = idx[from + i];
            Arrays.sort(part, (a, b) -> Integer.compare(lengths[b], lengths[a])); // stable: ties keep their order
            for (int i = 0; i < part.length; i++) idx[from + i] = part[i];
        }
    }
}
