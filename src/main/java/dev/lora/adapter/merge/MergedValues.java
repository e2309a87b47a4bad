package dev.lora.adapter.merge;

import dev.lora.io.Tensor;

import java.util.List;

/** A base tensor's merged values, accumulated in float64 and rounded to float once. */
final class MergedValues {
    private MergedValues() {
    }

    /** W + sum of the low-rank updates, row by row (a row of wte at a time keeps large vocabularies cheap). */
    static float[] weight(Tensor base, List<LowRankUpdate> updates) {
        int rows = (int) base.shape()[0], cols = (int) base.shape()[1];
        float[] w = base.data();
        float[] out = new float[w.length];
        double[] acc = new double[cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) acc[j] = w[i * cols + j];
            for (LowRankUpdate u : updates) u.addRow(i, acc);
            for (int j = 0; j < cols; j++) out[i * cols + j] = (float) acc[j];
        }
        return out;
    }

    /** b + sum_i w_i (b_i - b): the bias changes the adapters trained, weighted like their low-rank updates. */
    static float[] bias(Tensor base, List<Merge.BiasChange> changes) {
        float[] b = base.data();
        // The common case, exactly: one adapter at weight 1 gets its own trained bias.
        if (changes.size() == 1 && changes.get(0).weight() == 1) return changes.get(0).values().clone();
        float[] out = new float[b.length];
        for (int i = 0; i < b.length; i++) {
            double acc = b[i];
            for (Merge.BiasChange c : changes) acc += c.weight() * ((double) c.values()[i] - b[i]);
            out[i] = (float) acc;
        }
        return out;
    }
}
