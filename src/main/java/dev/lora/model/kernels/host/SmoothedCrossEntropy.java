package dev.lora.model.kernels.host;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

/**
 * Label-smoothed cross-entropy over float32 logit rows, fused: per row one sweep for the maximum and the
 * mean, one for exp and its sum, one writing the gradient softmax - (1 - e) onehot - e / V over the logits.
 * ND4J took a log-softmax, a mean, a second exp, a subtraction and a scatter of single elements, each a
 * pass over [rows, 50257]. exp runs in float64 by {@link ExpSeries}, which the JIT vectorises.
 */
final class SmoothedCrossEntropy {
    private SmoothedCrossEntropy() {
    }

    /**
     * @param logits   [n, V] float32, dense row-major; overwritten by dL/dlogits when {@code gradient}
     * @param targets  the target of each row, {@code targets[from + i]} for row i
     * @param rowLoss  receives each row's loss, at {@code rowLoss[i]}
     */
    static void rows(INDArray logits, int[] targets, int from, double smoothing, boolean gradient, double[] rowLoss) {
        int n = (int) logits.size(0), vocab = (int) logits.size(1);
        FloatBuffer buf = HostLoops.floats(logits);
        HostLoops.forRows(n, vocab, (first, last) -> {
            float[] row = new float[vocab];
            double[] e = new double[vocab];
            for (int i = first; i < last; i++) {
                buf.get(i * vocab, row, 0, vocab);
                float max = Float.NEGATIVE_INFINITY;
                double total = 0;
                for (int j = 0; j < vocab; j++) {
                    max = Math.max(max, row[j]);
                    total += row[j];
                }
                for (int j = 0; j < vocab; j++) e[j] = row[j] - (double) max;
                ExpSeries.nonPositiveInPlace(e, vocab);
                double sum = 0;
                for (int j = 0; j < vocab; j++) sum += e[j];
                double lse = max + Math.log(sum);
                int t = targets[from + i];
                rowLoss[i] = (1 - smoothing) * (lse - row[t]) + smoothing * (lse - total / vocab);
                if (gradient) {
                    double inv = 1 / sum, shift = smoothing / vocab;
                    for (int j = 0; j < vocab; j++) row[j] = (float) (e[j] * inv - shift);
                    row[t] = (float) (e[t] * inv - shift - (1 - smoothing));
                    buf.put(i * vocab, row, 0, vocab);
                }
            }
        });
        if (gradient) HostLoops.written(logits);
    }
}
