package dev.lora.model.kernels.host;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The fused float32 loss rows against the definition written out with Math.exp in float64. */
class SmoothedCrossEntropyTest {
    @Test
    void lossAndGradientMatchTheDefinition() {
        int rows = 5, vocab = 50257;
        double smoothing = 0.1;
        SplittableRandom rng = new SplittableRandom(7);
        float[] logits = new float[rows * vocab];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) (8 * (rng.nextDouble() - 0.5));
        logits[3 * vocab + 11] = 40; // one very confident row
        int[] targets = {0, 0, 123, 11, vocab - 1, 4};  // read from offset 1
        INDArray a = Nd4j.createFromArray(logits).reshape(rows, vocab);
        double[] loss = new double[rows];
        SmoothedCrossEntropy.rows(a, targets, 1, smoothing, true, loss);
        float[] grad = a.data().asFloat();
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY, mean = 0, sum = 0;
            for (int j = 0; j < vocab; j++) {
                max = Math.max(max, logits[r * vocab + j]);
                mean += logits[r * vocab + j] / (double) vocab;
            }
            for (int j = 0; j < vocab; j++) sum += Math.exp(logits[r * vocab + j] - max);
            double lse = max + Math.log(sum);
            int t = targets[r + 1];
            double want = (1 - smoothing) * (lse - logits[r * vocab + t]) + smoothing * (lse - mean);
            assertThat(loss[r]).as("loss of row %d", r).isCloseTo(want, within(1e-9 * Math.abs(want)));
            for (int j = 0; j < vocab; j++) {
                double g = Math.exp(logits[r * vocab + j] - lse) - smoothing / vocab - (j == t ? 1 - smoothing : 0);
                assertThat((double) grad[r * vocab + j]).as("gradient [%d, %d]", r, j).isCloseTo(g, within(1e-7 * Math.max(Math.abs(g), 1e-6)));
            }
        }
    }

    @Test
    void withoutGradientTheLogitsAreLeftAlone() {
        INDArray a = Nd4j.createFromArray(new float[]{1, 2, 3, 4, 5, 6}).reshape(2, 3);
        double[] loss = new double[2];
        SmoothedCrossEntropy.rows(a, new int[]{2, 0}, 0, 0, false, loss);
        assertThat(a.data().asFloat()).containsExactly(1, 2, 3, 4, 5, 6);
        // Hand calculation: -log softmax([1, 2, 3])[2] = log(e^-2 + e^-1 + 1); row 2 is the same logits shifted.
        assertThat(loss[0]).isCloseTo(Math.log(Math.exp(-2) + Math.exp(-1) + 1), within(1e-12));
        assertThat(loss[1]).isCloseTo(Math.log(1 + Math.exp(1) + Math.exp(2)), within(1e-12));
        assertThat(a.dataType()).isEqualTo(DataType.FLOAT);
    }
}
