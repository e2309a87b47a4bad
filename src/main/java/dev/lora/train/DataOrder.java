package dev.lora.train;

import dev.lora.lora.Seeds;

import java.util.Random;

/**
 * Which examples make up each micro-batch: file order, or a shuffle seeded by (seed, epoch) so any
 * step's batches can be recomputed on resume without saved generator state. The last partial batch
 * of an epoch is kept; an epoch's last optimiser step may have fewer than grad_accum micro-batches.
 */
public record DataOrder(int examples, int batchSize, int gradAccum, boolean shuffle, long seed) {

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
            out[i] = java.util.Arrays.copyOfRange(order, from, to);
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
        return idx;
    }
}
