package dev.lora.model.kernels.host;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * float32 products by either library the host kernels can use, on the forms the layers pass (a transposed operand, a
 * block of columns written with alpha and beta, as LoRA's up-projection into c_attn's slice), against the float64 sums
 * of the same values. Bound, per entry: gamma_{K+2} sum |alpha a_i b_i| + |beta c| u with u = 2^-24 (Higham, Accuracy
 * and Stability of Numerical Algorithms, 2nd ed., eq. 3.13; +2 for alpha's and beta's roundings), which holds for any
 * order of summation.
 */
class HostKernelsTest {
    @Test
    void float32ProductsByEitherLibraryMatchTheDefinition() {
        for (HostKernels.Float32Products library : HostKernels.Float32Products.values()) {
            HostKernels kernels = new HostKernels(library);
            int m = 11, k = 40, n = 7, width = 3 * n;
            double[][] a = random(m, k, 1), bt = random(n, k, 2), c0 = random(m, width, 3);
            INDArray x = Nd4j.createFromArray(a).castTo(DataType.FLOAT), w = Nd4j.createFromArray(bt).castTo(DataType.FLOAT);
            INDArray store = Nd4j.createFromArray(c0).castTo(DataType.FLOAT);
            INDArray block = store.get(NDArrayIndex.all(), NDArrayIndex.interval(n, 2 * n));
            kernels.gemm(0.5, x, false, w, true, 1, block);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < width; j++) {
                    double before = (float) c0[i][j], want = before, bound = 0;
                    if (j >= n && j < 2 * n) {
                        double magnitude = 0;
                        for (int t = 0; t < k; t++) {
                            double term = 0.5 * (float) a[i][t] * (float) bt[j - n][t];
                            want += term;
                            magnitude += Math.abs(term);
                        }
                        double u = 0x1p-24;
                        bound = (k + 2) * u / (1 - (k + 2) * u) * magnitude + Math.abs(before) * u;
                    }
                    assertThat(Math.abs(store.getDouble(i, j) - want)).as("%s c[%d, %d]", library, i, j).isLessThanOrEqualTo(bound);
                }
            }
            assertThat(kernels.float32Products()).as(library.name())
                    .startsWith(library == HostKernels.Float32Products.OPENBLAS ? "OpenBLAS" : "oneDNN matmul");
        }
    }

    private static double[][] random(int rows, int cols, long seed) {
        SplittableRandom g = new SplittableRandom(seed);
        double[][] x = new double[rows][cols];
        for (double[] row : x) for (int j = 0; j < cols; j++) row[j] = g.nextDouble() - 0.5;
        return x;
    }
}
