package dev.lora.model.kernels.host;

import dev.lora.model.kernels.Dense;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * softmax(scale * scores + causal mask) over the rows of [B, H, T, T] attention scores, in place, and its
 * backward: one Java pass per row where ND4J made four (scale, mask add, softmax's max/exp/normalise) forward
 * and five backward. Row r is the query at position r mod T, which sees keys 0..r mod T; masked
 * probabilities are exactly 0, as with HF's large negative mask.
 */
final class CausalSoftmax {
    private CausalSoftmax() {
    }

    /** scores [B, H, T, T], dense; becomes the probabilities. */
    static void forward(INDArray scores, double scale) {
        int time = (int) scores.size(3);
        long rows = scores.length() / time;
        HostLoops.Doubles io = HostLoops.asDoubles(Dense.require(scores));
        HostLoops.forRows(rows, time, (from, to) -> {
            double[] row = new double[time];
            for (int r = from; r < to; r++) {
                int valid = r % time + 1;
                io.load(r * time, row, valid);
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < valid; j++) max = Math.max(max, row[j]);
                for (int j = 0; j < valid; j++) row[j] = (row[j] - max) * scale;
                ExpSeries.nonPositiveInPlace(row, valid);
                double sum = 0;
                for (int j = 0; j < valid; j++) sum += row[j];
                double inv = 1 / sum;
                for (int j = 0; j < valid; j++) row[j] *= inv;
                for (int j = valid; j < time; j++) row[j] = 0;
                io.store(r * time, row, time);
            }
        });
        HostLoops.written(scores);
    }

    /** dp [B, H, T, T] (dense) becomes d(scores) = scale * p * (dp - sum(dp * p)) for probabilities p. */
    static void backward(INDArray dp, INDArray p, double scale) {
        int time = (int) dp.size(3);
        long rows = dp.length() / time;
        HostLoops.Doubles dio = HostLoops.asDoubles(Dense.require(dp)), pio = HostLoops.asDoubles(Dense.require(p));
        HostLoops.forRows(rows, time, (from, to) -> {
            double[] d = new double[time], pr = new double[time];
            for (int r = from; r < to; r++) {
                int valid = r % time + 1;
                dio.load(r * time, d, valid);
                pio.load(r * time, pr, valid);
                double dot = 0;
                for (int j = 0; j < valid; j++) dot += d[j] * pr[j];
                for (int j = 0; j < valid; j++) d[j] = scale * pr[j] * (d[j] - dot);
                for (int j = valid; j < time; j++) d[j] = 0;
                dio.store(r * time, d, time);
            }
        });
        HostLoops.written(dp);
    }
}
