package dev.lora.model.kernels;

import dev.lora.model.kernels.host.HostKernels;
import dev.lora.model.kernels.nd4j.Nd4jKernels;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bfloat16 products as PyTorch's CPU autocast makes them: operands rounded to bfloat16 (to nearest, ties to even,
 * as torch's float-to-bfloat16 cast), products accumulated in float32.
 */
class Bf16OperandsTest {
    private static final Kernels[] BOTH = {new HostKernels(), new Nd4jKernels()};

    /** Round to nearest even on the float's bits, written out independently of ND4J: keep the top 16 bits. */
    private static float bf16(float x) {
        int bits = Float.floatToRawIntBits(x);
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return Float.intBitsToFloat(rounded & 0xFFFF0000);
    }

    @Test
    void roundingIsToNearestWithTiesToEven() {
        // bfloat16 keeps 8 significant bits: next to 1 the step is 2^-7. Worked by hand:
        float tieDown = 1f + 0x1p-8f;               // halfway between 1 and 1 + 2^-7: even is 1
        float tieUp = 1f + 3 * 0x1p-8f;             // halfway between 1 + 2^-7 and 1 + 2^-6: even is 1 + 2^-6
        float aboveTie = 1f + 0x1p-8f + 0x1p-20f;   // just above the first tie: 1 + 2^-7
        float below = 1f + 0x1p-9f;                 // below half a step: 1
        float[] in = {tieDown, tieUp, aboveTie, below, -tieUp, 3.0f, 0f};
        float[] want = {1f, 1f + 0x1p-6f, 1f + 0x1p-7f, 1f, -(1f + 0x1p-6f), 3.0f, 0f};
        INDArray out = Bf16Operands.rounded(Nd4j.createFromArray(in));
        assertThat(out.dataType()).isEqualTo(DataType.FLOAT);
        assertThat(out.toFloatVector()).containsExactly(want);
        for (int i = 0; i < in.length; i++) assertThat(bf16(in[i])).as("the test's own rounding, %s", in[i]).isEqualTo(want[i]);
        // And on many random values, ND4J's cast and the bit rounding above agree exactly.
        float[] r = Nd4j.randn(7L, new long[]{4096}).castTo(DataType.FLOAT).toFloatVector();
        float[] got = Bf16Operands.rounded(Nd4j.createFromArray(r)).toFloatVector();
        for (int i = 0; i < r.length; i++) assertThat(got[i]).as("value %s", r[i]).isEqualTo(bf16(r[i]));
    }

    /**
     * A float32 activation times a bfloat16 weight, under both kernels, against the float64 product of the
     * bfloat16-rounded values. Bound: float32 accumulation of K terms, |error| <= K u sum|a_i b_i| (Higham's
     * gamma_K, u = 2^-24), per entry.
     */
    @Test
    void aFloatTimesABfloatWeightIsTheProductOfTheRoundedValues() {
        int m = 7, k = 96, n = 33;
        Random g = new Random(5);
        float[][] a = new float[m][k], w = new float[k][n];
        for (float[] row : a) for (int j = 0; j < k; j++) row[j] = (float) g.nextGaussian();
        for (float[] row : w) for (int j = 0; j < n; j++) row[j] = (float) (0.02 * g.nextGaussian());
        INDArray x = Nd4j.createFromArray(a), weight = Nd4j.createFromArray(w).castTo(DataType.BFLOAT16);
        for (Kernels kernels : BOTH) {
            INDArray y = kernels.times(x, weight), back = kernels.timesTransposed(y, weight);
            assertThat(y.dataType()).isEqualTo(DataType.FLOAT);
            assertRoundedProduct(kernels.name(), y, a, w, false);
            // dy W^T, as a frozen layer's backward: dy is rounded too.
            assertRoundedProduct(kernels.name() + " backward", back, y.toFloatMatrix(), w, true);
        }
    }

    /**
     * Shapes that take several panels (of the inner dimension when it is the longer, else of the output's columns),
     * with the weight as given and transposed (the LM head's form): the same products, within the same bound.
     */
    @Test
    void productsTakenInPanelsAreTheSame() {
        Random g = new Random(9);
        for (int[] mkn : new int[][]{{3, 140_000, 16}, {3, 16, 70_000}}) {
            int m = mkn[0], k = mkn[1], n = mkn[2];
            float[][] a = new float[m][k], w = new float[k][n], wt = new float[n][k];
            for (float[] row : a) for (int j = 0; j < k; j++) row[j] = (float) g.nextGaussian();
            for (int t = 0; t < k; t++) for (int j = 0; j < n; j++) wt[j][t] = w[t][j] = (float) (0.02 * g.nextGaussian());
            INDArray x = Nd4j.createFromArray(a);
            INDArray weight = Nd4j.createFromArray(w).castTo(DataType.BFLOAT16), head = Nd4j.createFromArray(wt).castTo(DataType.BFLOAT16);
            for (Kernels kernels : BOTH) {
                assertRoundedProduct(kernels.name() + " " + m + "x" + k + "x" + n, kernels.times(x, weight), a, w, false);
                assertRoundedProduct(kernels.name() + " transposed " + m + "x" + k + "x" + n, kernels.timesTransposed(x, head), a, wt, true);
            }
        }
    }

    /** got = left right (or left right^T) on the bfloat16-rounded values, within float32 accumulation's bound. */
    private static void assertRoundedProduct(String what, INDArray got, float[][] left, float[][] right, boolean transposed) {
        int inner = left[0].length, cols = transposed ? right.length : right[0].length;
        for (int i = 0; i < left.length; i++) {
            for (int j = 0; j < cols; j++) {
                double exact = 0, magnitude = 0;
                for (int t = 0; t < inner; t++) {
                    double term = (double) bf16(left[i][t]) * bf16(transposed ? right[j][t] : right[t][j]);
                    exact += term;
                    magnitude += Math.abs(term);
                }
                assertThat(Math.abs(got.getDouble(i, j) - exact)).as("%s [%d, %d]", what, i, j)
                        .isLessThanOrEqualTo(inner * 0x1p-24 * magnitude);
            }
        }
    }

    @Test
    void onlyProductsWithABfloatOperandAndAFloatResultCount() {
        INDArray f = Nd4j.zeros(DataType.FLOAT, 2, 2), h = Nd4j.zeros(DataType.BFLOAT16, 2, 2), d = Nd4j.zeros(DataType.DOUBLE, 2, 2);
        assertThat(Bf16Operands.involved(f, h, f)).isTrue();
        assertThat(Bf16Operands.involved(h, f, f)).isTrue();
        assertThat(Bf16Operands.involved(f, f, f)).isFalse();
        assertThat(Bf16Operands.involved(d, h, f)).isFalse();
        assertThat(Bf16Operands.involved(f, h, h)).isFalse();
    }
}
