package dev.lora.model.kernels.host;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The direct BLAS products against the same sums written out in Java, for either weight layout. */
class BlasTest {
    private static final HostKernels K = new HostKernels();

    private static double[][] random(int rows, int cols, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] a = new double[rows][cols];
        for (double[] row : a) for (int j = 0; j < cols; j++) row[j] = rng.nextDouble() - 0.5;
        return a;
    }

    @ParameterizedTest(name = "{0}, weight order {1}")
    @CsvSource({"DOUBLE, c", "DOUBLE, f", "FLOAT, c", "FLOAT, f"})
    void productsMatchTheDefinition(DataType type, char order) {
        int m = 7, k = 13, n = 11;
        double[][] x = random(m, k, 1), w = random(k, n, 2), dy = random(m, n, 3);
        INDArray wArr = Nd4j.createFromArray(w).castTo(type).dup(order);
        assertThat(wArr.ordering()).isEqualTo(order);
        INDArray y = K.times(Nd4j.createFromArray(x).castTo(type), wArr);
        INDArray dx = K.timesTransposed(Nd4j.createFromArray(dy).castTo(type), wArr);
        double tol = type == DataType.DOUBLE ? 1e-14 : 1e-6;
        assertThat(y.ordering()).isEqualTo('c');
        assertThat(y.shape()).containsExactly(m, n);
        assertThat(dx.shape()).containsExactly(m, k);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double want = 0;
                for (int t = 0; t < k; t++) want += x[i][t] * w[t][j];
                assertThat(y.getDouble(i, j)).as("y[%d, %d]", i, j).isCloseTo(want, within(tol));
            }
            for (int t = 0; t < k; t++) {
                double want = 0;
                for (int j = 0; j < n; j++) want += dy[i][j] * w[t][j];
                assertThat(dx.getDouble(i, t)).as("dx[%d, %d]", i, t).isCloseTo(want, within(tol));
            }
        }
    }

    /** Column blocks and transposed views in, a column block of a wider matrix accumulated into (beta = 1). */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"DOUBLE", "FLOAT"})
    void viewsAndAccumulation(DataType type) {
        int m = 6, k = 5, n = 4;
        double[][] wideA = random(m, 3 * k, 4), bt = random(n, k, 5), wideC = random(m, 2 * n + 3, 6);
        INDArray a = Nd4j.createFromArray(wideA).castTo(type).get(NDArrayIndex.all(), NDArrayIndex.interval(k, 2 * k));
        INDArray b = Nd4j.createFromArray(bt).castTo(type).transpose(); // [k, n], column-major memory
        INDArray cArr = Nd4j.createFromArray(wideC).castTo(type);
        INDArray c = cArr.get(NDArrayIndex.all(), NDArrayIndex.interval(n + 3, 2 * n + 3));
        K.gemm(0.5, a, false, b, false, 1.0, c);
        double tol = type == DataType.DOUBLE ? 1e-14 : 1e-6;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < 2 * n + 3; j++) {
                double want = wideC[i][j];
                if (j >= n + 3) for (int t = 0; t < k; t++) want += 0.5 * wideA[i][k + t] * bt[j - n - 3][t];
                assertThat(cArr.getDouble(i, j)).as("c[%d, %d]", i, j).isCloseTo(want, within(tol));
            }
        }
    }

    /** Batched products over [B, H, *, *], with a view of the first rows of a larger store (as the cache's keys). */
    @ParameterizedTest(name = "{0}, transA {1}, transB {2}")
    @CsvSource({"DOUBLE, false, true", "FLOAT, false, true", "DOUBLE, true, false", "FLOAT, false, false"})
    void batchedMatchesPerMatrixDefinition(DataType type, boolean transA, boolean transB) {
        int b = 2, h = 3, m = 4, k = 5, n = 6, capacity = 9;
        SplittableRandom rng = new SplittableRandom(8);
        double[] av = new double[b * h * m * k], store = new double[b * h * capacity * Math.max(k, n)];
        for (int i = 0; i < av.length; i++) av[i] = rng.nextDouble() - 0.5;
        for (int i = 0; i < store.length; i++) store[i] = rng.nextDouble() - 0.5;
        INDArray a = Nd4j.createFromArray(av).castTo(type).reshape(b, h, transA ? k : m, transA ? m : k);
        long bRows = transB ? n : k, bCols = transB ? k : n;
        INDArray full = Nd4j.createFromArray(store).castTo(type).reshape(b, h, capacity, store.length / (b * h * capacity))
                .get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, bCols));
        INDArray bView = full.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, bRows), NDArrayIndex.all());
        INDArray c = K.batched(a, transA, bView, transB);
        assertThat(c.shape()).containsExactly(b, h, m, n);
        double tol = type == DataType.DOUBLE ? 1e-14 : 1e-6;
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < h; j++) {
                for (int r = 0; r < m; r++) {
                    for (int col = 0; col < n; col++) {
                        double want = 0;
                        for (int t = 0; t < k; t++) {
                            double x = transA ? a.getDouble(i, j, t, r) : a.getDouble(i, j, r, t);
                            double y = transB ? bView.getDouble(i, j, col, t) : bView.getDouble(i, j, t, col);
                            want += x * y;
                        }
                        assertThat(c.getDouble(i, j, r, col)).as("c[%d, %d, %d, %d]", i, j, r, col).isCloseTo(want, within(tol));
                    }
                }
            }
        }
    }

    /** An operand BLAS cannot read in place (every other column) goes through a copy, with alpha and beta kept. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"DOUBLE", "FLOAT"})
    void operandsWithoutAUnitStrideAreCopied(DataType type) {
        int m = 3, k = 4, n = 5;
        double[][] wideA = random(m, 2 * k, 9), b = random(k, n, 10), c0 = random(m, n, 11);
        INDArray a = Nd4j.createFromArray(wideA).castTo(type).get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2, 2 * k));
        assertThat(a.stride(1)).isEqualTo(2);
        INDArray c = Nd4j.createFromArray(c0).castTo(type);
        K.gemm(2.0, a, false, Nd4j.createFromArray(b).castTo(type), false, 0.5, c);
        double tol = type == DataType.DOUBLE ? 1e-14 : 1e-6;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double want = 0.5 * c0[i][j];
                for (int t = 0; t < k; t++) want += 2.0 * wideA[i][2 * t] * b[t][j];
                assertThat(c.getDouble(i, j)).as("c[%d, %d]", i, j).isCloseTo(want, within(tol));
            }
        }
    }

    @Test
    void mismatchedShapesAreRefusedBeforeBlasSeesThem() {
        INDArray a = Nd4j.create(DataType.FLOAT, 3, 4), b = Nd4j.create(DataType.FLOAT, 5, 6);
        assertThatThrownBy(() -> K.times(a, b))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3x4 and 5x6");
        assertThatThrownBy(() -> K.batched(Nd4j.create(DataType.FLOAT, 2, 3, 4, 5), false,
                Nd4j.create(DataType.FLOAT, 2, 4, 5, 6), false)).isInstanceOf(IllegalArgumentException.class);
    }
}
