package dev.lora.model.kernels.host;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The in-place masked softmax and its backward against the definition and finite differences. */
class CausalSoftmaxTest {
    private static final int B = 2, H = 3, T = 6;
    private static final double SCALE = 0.125;

    private static double[] random(long seed, double spread) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] a = new double[B * H * T * T];
        for (int i = 0; i < a.length; i++) a[i] = spread * (rng.nextDouble() - 0.5);
        return a;
    }

    /** softmax of one row by the definition: keys after the query's position get probability 0. */
    private static double[] definition(double[] s, int row) {
        int pos = row % T;
        double[] p = new double[T];
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int j = 0; j <= pos; j++) max = Math.max(max, SCALE * s[row * T + j]);
        for (int j = 0; j <= pos; j++) sum += p[j] = Math.exp(SCALE * s[row * T + j] - max);
        for (int j = 0; j <= pos; j++) p[j] /= sum;
        return p;
    }

    @Test
    void forwardIsTheMaskedSoftmaxInBothPrecisions() {
        double[] s = random(1, 200);
        INDArray p64 = Nd4j.createFromArray(s).reshape(B, H, T, T);
        INDArray p32 = p64.castTo(DataType.FLOAT);
        CausalSoftmax.forward(p64, SCALE);
        CausalSoftmax.forward(p32, SCALE);
        double[] got64 = p64.data().asDouble();
        float[] got32 = p32.data().asFloat();
        for (int row = 0; row < B * H * T; row++) {
            double[] want = definition(s, row);
            for (int j = 0; j < T; j++) {
                assertThat(got64[row * T + j]).as("float64 [%d, %d]", row, j).isCloseTo(want[j], within(1e-12));
                assertThat((double) got32[row * T + j]).as("float32 [%d, %d]", row, j).isCloseTo(want[j], within(1e-6));
                if (j > row % T) assertThat(got32[row * T + j]).isZero();
            }
        }
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        double[] s = random(2, 20), w = random(3, 2);
        INDArray p = Nd4j.createFromArray(s).reshape(B, H, T, T);
        CausalSoftmax.forward(p, SCALE);
        INDArray ds = Nd4j.createFromArray(w).reshape(B, H, T, T); // dL/dp for L = sum(w * p)
        CausalSoftmax.backward(ds, p, SCALE);
        double[] got = ds.data().asDouble();
        double h = 1e-5;
        for (int row = 0; row < B * H * T; row++) {
            for (int j = 0; j < T; j++) {
                double[] plus = s.clone(), minus = s.clone();
                plus[row * T + j] += h;
                minus[row * T + j] -= h;
                double lp = 0, lm = 0;
                double[] pp = definition(plus, row), pm = definition(minus, row);
                for (int k = 0; k < T; k++) {
                    lp += w[row * T + k] * pp[k];
                    lm += w[row * T + k] * pm[k];
                }
                assertThat(got[row * T + j]).as("[%d, %d]", row, j).isCloseTo((lp - lm) / (2 * h), within(1e-9));
            }
        }
    }
}
