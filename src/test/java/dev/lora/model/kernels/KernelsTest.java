package dev.lora.model.kernels;

import dev.lora.model.kernels.host.HostKernels;
import dev.lora.model.kernels.nd4j.Nd4jKernels;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The two kernel implementations side by side on the same inputs. float64: each op's results agree within 1e-12
 * of their scale (the same formulas, summed in other orders; float64 resolves 1e-16). Dropout masks: each
 * implementation's are a function of the row seeds alone; the two draw from different generators, so their masks
 * differ, and each keeps 1 - p of the entries. Products, the decoding softmax, cache copies and result reads: the
 * same numbers within the same 1e-12 (products, softmax) or exactly (copies, reads).
 */
class KernelsTest {
    private static final Kernels HOST = new HostKernels(), ND4J = new Nd4jKernels();

    @Test
    void geluAndItsBackward() {
        INDArray x = random(1, 6, 40), dy = random(2, 6, 40);
        INDArray hy = x.ulike(), ht = x.ulike(), ny = x.ulike(), nt = x.ulike();
        HOST.gelu(x, hy, ht);
        ND4J.gelu(x, ny, nt);
        assertClose(ny, hy);
        assertClose(nt, ht);
        assertClose(ND4J.geluBackward(x, nt, dy.dup()), HOST.geluBackward(x, ht, dy.dup()));
    }

    @Test
    void layerNormAndItsBackward() {
        INDArray x = random(3, 5, 16), g = random(4, 1, 16), b = random(5, 1, 16), dy = random(6, 5, 16);
        Kernels.LayerNormOut h = HOST.layerNorm(x, g, b, 1e-5), n = ND4J.layerNorm(x, g, b, 1e-5);
        assertClose(n.y(), h.y());
        assertClose(ND4J.layerNormBackward(dy, n.xhat(), n.rstd(), g), HOST.layerNormBackward(dy, h.xhat(), h.rstd(), g));
    }

    @Test
    void causalSoftmaxAndItsBackward() {
        INDArray scores = random(7, 2 * 3 * 5 * 5, 1).reshape(2, 3, 5, 5), dp = random(8, 2 * 3 * 5 * 5, 1).reshape(2, 3, 5, 5);
        INDArray h = scores.dup('c'), n = scores.dup('c');
        HOST.causalSoftmax(h, 0.5);
        ND4J.causalSoftmax(n, 0.5);
        assertClose(n, h);
        assertThat(n.getDouble(0, 0, 1, 2)).as("a masked probability is exactly 0").isZero();
        INDArray dh = dp.dup('c'), dn = dp.dup('c');
        HOST.causalSoftmaxBackward(dh, h, 0.5);
        ND4J.causalSoftmaxBackward(dn, n, 0.5);
        assertClose(dn, dh);
    }

    @Test
    void lossRowsWithLabelSmoothing() {
        INDArray logits = random(9, 4, 30);
        int[] targets = {0, 7, 3, 29, 12, 5};
        // Both kernels compute float64 loss rows with the same ND4J ops (LmLoss.rowsOps), so they are held to an
        // independent reference: the definition in plain Java. Row i: lse = log sum exp; loss (1 - e)(lse - x_t) +
        // e (lse - mean x); gradient softmax - e / V, minus (1 - e) at the target.
        double e = 0.1, sum = 0;
        double[][] x = logits.toDoubleMatrix(), want = new double[4][30];
        for (int i = 0; i < 4; i++) {
            double max = Arrays.stream(x[i]).max().orElseThrow(), z = 0, mean = Arrays.stream(x[i]).average().orElseThrow();
            for (double v : x[i]) z += Math.exp(v - max);
            double lse = max + Math.log(z);
            int t = targets[2 + i];
            sum += (1 - e) * (lse - x[i][t]) + e * (lse - mean);
            for (int j = 0; j < 30; j++) want[i][j] = Math.exp(x[i][j] - lse) - e / 30 - (j == t ? 1 - e : 0);
        }
        for (Kernels k : new Kernels[]{HOST, ND4J}) {
            Kernels.LossOut out = k.lossRows(logits.dup('c'), targets, 2, e, true);
            assertThat(out.sum()).as(k.name()).isCloseTo(sum, within(1e-12 * Math.abs(sum)));
            assertClose(out.dLogits(), Nd4j.createFromArray(want));
        }
    }

    @Test
    void globalNormAndTheFiniteCheck() {
        java.util.List<INDArray> grads = java.util.List.of(random(10, 3, 7), random(11, 1, 5), random(12, 4, 4));
        double h = HOST.globalNorm(grads), n = ND4J.globalNorm(grads);
        assertThat(n).isCloseTo(h, within(1e-12 * h));
        // By hand: the norm of [3, 4] and [12] is 13.
        java.util.List<INDArray> byHand = java.util.List.of(Nd4j.createFromArray(3.0, 4.0), Nd4j.createFromArray(12.0));
        assertThat(ND4J.globalNorm(byHand)).isEqualTo(13.0);
        assertThat(HOST.globalNorm(byHand)).isEqualTo(13.0);
        for (Kernels k : new Kernels[]{HOST, ND4J}) {
            assertThat(k.allFinite(grads)).as(k.name()).isTrue();
            assertThat(k.allFinite(java.util.List.of(grads.get(0), Nd4j.createFromArray(1.0, Double.NaN)))).as(k.name()).isFalse();
            assertThat(k.allFinite(java.util.List.of(Nd4j.createFromArray(Double.NEGATIVE_INFINITY), grads.get(1)))).as(k.name()).isFalse();
        }
    }

    @Test
    void bothDropoutMasksAreFunctionsOfTheRowSeedsAndKeepOneMinusP() {
        long[] seeds = {11, 12, 13, 14, 15, 16, 17, 18}, reversed = {18, 17, 16, 15, 14, 13, 12, 11};
        int features = 2000;
        double p = 0.1;
        for (Kernels k : new Kernels[]{HOST, ND4J}) {
            INDArray m = k.dropoutMask(seeds, features, p, DataType.DOUBLE), r = k.dropoutMask(reversed, features, p, DataType.DOUBLE);
            for (int row = 0; row < seeds.length; row++) {
                assertThat(r.getRow(seeds.length - 1 - row)).as("%s: row %d's mask depends on its seed only", k.name(), row).isEqualTo(m.getRow(row));
            }
            double kept = m.gt(0).castTo(DataType.DOUBLE).meanNumber().doubleValue();
            // 16,000 draws: the kept fraction's standard deviation is sqrt(0.9 * 0.1 / 16000) = 0.0024; 5 of them.
            assertThat(kept).as("%s: kept fraction", k.name()).isCloseTo(1 - p, within(0.012));
            assertThat(m.maxNumber().doubleValue()).isCloseTo(1 / (1 - p), within(1e-15));
        }
        INDArray h = HOST.dropoutMask(seeds, features, p, DataType.DOUBLE), n = ND4J.dropoutMask(seeds, features, p, DataType.DOUBLE);
        double same = h.eq(n).castTo(DataType.DOUBLE).meanNumber().doubleValue();
        // Independent masks agree where both keep or both drop: 0.9^2 + 0.1^2 = 0.82 of the entries, not all.
        assertThat(same).as("host and nd4j masks agree on this fraction of entries").isCloseTo(0.82, within(0.02));
    }

    @Test
    void productsPlainTransposedIntoBlocksAndBatched() {
        INDArray a = random(20, 6, 5), b = random(21, 5, 7), w = random(22, 7, 5);
        assertClose(ND4J.times(a, b), HOST.times(a, b));
        assertClose(ND4J.timesTransposed(a, w), HOST.timesTransposed(a, w));
        INDArray big = random(23, 6, 9);
        INDArray h = big.dup('c'), n = big.dup('c');
        org.nd4j.linalg.indexing.INDArrayIndex cols = org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 8);
        HOST.gemm(0.5, a, false, b, false, 2, h.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), cols));
        ND4J.gemm(0.5, a, false, b, false, 2, n.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), cols));
        assertClose(n, h);
        INDArray q = random(24, 2 * 3 * 4, 5).reshape(2, 3, 4, 5), k = random(25, 2 * 3 * 6, 5).reshape(2, 3, 6, 5);
        assertClose(ND4J.batched(q, false, k, true), HOST.batched(q, false, k, true));
    }

    @Test
    void softmaxRowsCacheCopiesAndResultReads() {
        INDArray rows = random(26, 5, 11), h = rows.dup('c'), n = rows.dup('c');
        HOST.softmaxRows(h);
        ND4J.softmaxRows(n);
        assertClose(n, h);
        INDArray store = random(27, 3 * 2 * 4, 3).reshape(3, 2, 4, 3);
        int[] order = {2, 0, 2};
        INDArray toHost = Nd4j.zeros(DataType.DOUBLE, 3, 2, 4, 3), toNd4j = Nd4j.zeros(DataType.DOUBLE, 3, 2, 4, 3);
        HOST.copyCacheRows(store, order, 4, toHost);
        ND4J.copyCacheRows(store, order, 4, toNd4j);
        for (int i = 0; i < order.length; i++) {
            assertThat(toHost.slice(i)).as("host copy of row %d", order[i]).isEqualTo(store.slice(order[i]));
            assertThat(toNd4j.slice(i)).as("nd4j copy of row %d", order[i]).isEqualTo(store.slice(order[i]));
        }
        INDArray logits = random(28, 4, 9).castTo(DataType.FLOAT);
        double[][] want = logits.castTo(DataType.DOUBLE).toDoubleMatrix();
        assertThat(HOST.readRows(logits)).isDeepEqualTo(want);
        assertThat(ND4J.readRows(logits)).isDeepEqualTo(want);
    }

    /**
     * Rows added into chosen rows, one repeated, in float32: worked by hand, each sum exact in float32 (small
     * integers and halves), so both kernels must give exactly these values.
     */
    @Test
    void rowsAddedIntoChosenRowsInOrder() {
        float[][] start = {{1, 2}, {0, 0}, {-1, 0.5f}, {4, 4}};
        float[][] add = {{0.5f, -2}, {3, 3}, {1, 1}};
        int[] rows = {2, 0, 2};
        float[][] want = {{4, 5}, {0, 0}, {0.5f, -0.5f}, {4, 4}};
        for (Kernels k : new Kernels[]{HOST, ND4J}) {
            INDArray dst = Nd4j.createFromArray(start);
            k.addRows(dst, rows, Nd4j.createFromArray(add));
            assertThat(dst.toFloatMatrix()).as(k.name()).isDeepEqualTo(want);
        }
    }

    private static INDArray random(long seed, long rows, long cols) {
        return Nd4j.rand(seed, new long[]{rows, cols}).castTo(DataType.DOUBLE).subi(0.5).muli(4);
    }

    private static void assertClose(INDArray got, INDArray want) {
        assertThat(got.shape()).isEqualTo(want.shape());
        double scale = want.amaxNumber().doubleValue(), diff = got.sub(want).amaxNumber().doubleValue();
        assertThat(diff).as("max |nd4j - host| (scale %s, shape %s)", scale, Arrays.toString(want.shape())).isLessThanOrEqualTo(1e-12 * scale);
    }
}
