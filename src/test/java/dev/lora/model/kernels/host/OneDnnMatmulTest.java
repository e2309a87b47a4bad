package dev.lora.model.kernels.host;

import org.bytedeco.dnnl.global.dnnl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * oneDNN's matmul on operands as they lie, against the sums written out in float64. float32 runs on every CPU, so
 * the strides, transposes, scaling and cache are tested everywhere; bfloat16 where oneDNN has it (AVX-512 and up),
 * and elsewhere the probe must say it has none. Bound for float32 accumulation of K products, per entry:
 * |error| <= gamma_{K+2} sum |alpha a_i b_i| + |beta c| u, gamma_n = n u / (1 - n u), u = 2^-24 (Higham, Accuracy and
 * Stability of Numerical Algorithms, 2nd ed., Thm 3.5 / eq. 3.13; the +2 for alpha's and beta's roundings).
 */
class OneDnnMatmulTest {
    private static OneDnnMatmul matmul;

    @BeforeAll
    static void engine() {
        OneDnn.Result opened = OneDnn.open();
        assertThat(opened.engine()).as("oneDNN loads on the CPU build: %s", opened.whyNot()).isPresent();
        matmul = new OneDnnMatmul(opened.engine().get());
    }

    private static double[][] random(int rows, int cols, long seed) {
        SplittableRandom g = new SplittableRandom(seed);
        double[][] x = new double[rows][cols];
        for (double[] row : x) for (int j = 0; j < cols; j++) row[j] = (float) (g.nextDouble() - 0.5);
        return x;
    }

    /** Float32 (or bfloat16) array holding x's values, [rows, cols] as given or stored transposed (column-major). */
    private static INDArray array(double[][] x, DataType type, boolean columnMajor) {
        INDArray a = Nd4j.createFromArray(x).castTo(type);
        return columnMajor ? a.dup('f') : a;
    }

    private static double at(double[][] x, boolean trans, int i, int j) {
        return trans ? x[j][i] : x[i][j];
    }

    /**
     * c = alpha op(a) op(b) + beta c for every transpose, each operand a column block of a wider matrix or stored
     * column-major, and c a column block of a wider matrix (its other columns must stay as they were).
     */
    @ParameterizedTest(name = "transA {0}, transB {1}, column-major storage {2}, alpha {3}, beta {4}")
    @CsvSource({"false, false, false, 1, 0", "false, true, false, 1, 0", "true, false, false, 0.5, 1",
            "true, true, false, 1, 1", "false, false, true, 2, 0.25", "false, true, true, 0.5, 0"})
    void float32ProductsOfViewsMatchTheDefinition(boolean transA, boolean transB, boolean columnMajor, double alpha,
                                                  double beta) {
        int m = 9, k = 37, n = 13, pad = 5;
        double[][] wideA = random(transA ? k : m, (transA ? m : k) + pad, 1), b = random(transB ? n : k, transB ? k : n, 2);
        double[][] wideC = random(m, n + 2 * pad, 3);
        INDArray aStore = array(wideA, DataType.FLOAT, columnMajor);
        INDArray a = aStore.get(NDArrayIndex.all(), NDArrayIndex.interval(pad, aStore.size(1)));
        INDArray bArr = array(b, DataType.FLOAT, columnMajor), cStore = array(wideC, DataType.FLOAT, false);
        INDArray c = cStore.get(NDArrayIndex.all(), NDArrayIndex.interval(pad, pad + n));
        assertThat(matmul.gemm(alpha, a, transA, bArr, transB, beta, c)).as("oneDNN has float32 matmul on every x86-64").isTrue();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n + 2 * pad; j++) {
                double want = wideC[i][j], bound = 0;
                if (j >= pad && j < pad + n) {
                    double sum = 0, magnitude = 0;
                    for (int t = 0; t < k; t++) {
                        double term = alpha * (transA ? wideA[t][pad + i] : wideA[i][pad + t]) * at(b, transB, t, j - pad);
                        sum += term;
                        magnitude += Math.abs(term);
                    }
                    want = beta * wideC[i][j] + sum;
                    double u = 0x1p-24, g = (k + 2) * u / (1 - (k + 2) * u);
                    bound = g * magnitude + Math.abs(beta * wideC[i][j]) * u;
                }
                assertThat(Math.abs(cStore.getDouble(i, j) - want)).as("c[%d, %d]", i, j).isLessThanOrEqualTo(bound);
            }
        }
    }

    /**
     * A weight within the bound gets one primitive for every row count (padding-free batches change it each step);
     * a larger one (the LM head) one per row count. beta is part of the key either way. Each product against the
     * definition, as above.
     */
    @Test
    void aPrimitiveIsBuiltOncePerKeyAndReused() {
        OneDnnMatmul fresh = new OneDnnMatmul(OneDnn.open().engine().orElseThrow(), 6 * 3);
        INDArray b = Nd4j.rand(DataType.FLOAT, 6, 3);
        for (int rows : new int[]{4, 4, 5, 1, 17}) {
            INDArray a = Nd4j.rand(DataType.FLOAT, rows, 6), c = Nd4j.zeros(DataType.FLOAT, rows, 3);
            assertThat(fresh.gemm(1, a, false, b, false, 0, c)).isTrue();
            assertProduct(a, b, c);
        }
        assertThat(fresh.primitivesBuilt()).as("five products, four row counts, one weight of 18 elements").isEqualTo(1);
        INDArray a = Nd4j.rand(DataType.FLOAT, 4, 6), c = Nd4j.zeros(DataType.FLOAT, 4, 3);
        fresh.gemm(1, a, false, b, false, 1, c);
        assertThat(fresh.primitivesBuilt()).as("beta is part of the key").isEqualTo(2);
        INDArray wide = Nd4j.rand(DataType.FLOAT, 6, 4);
        for (int rows : new int[]{4, 4, 5}) {
            INDArray x = Nd4j.rand(DataType.FLOAT, rows, 6), y = Nd4j.zeros(DataType.FLOAT, rows, 4);
            assertThat(fresh.gemm(1, x, false, wide, false, 0, y)).isTrue();
            assertProduct(x, wide, y);
        }
        assertThat(fresh.primitivesBuilt()).as("a weight of 24 elements, over the bound: one per row count").isEqualTo(4);
        // a^T b over any number of tokens (a LoRA factor's gradient): the inner dimension at run time.
        for (int tokens : new int[]{9, 9, 2, 30}) {
            INDArray d = Nd4j.rand(DataType.FLOAT, tokens, 3), x = Nd4j.rand(DataType.FLOAT, tokens, 5), g = Nd4j.zeros(DataType.FLOAT, 3, 5);
            assertThat(fresh.gemm(1, d, true, x, false, 0, g)).isTrue();
            assertProduct(d.transpose().dup('c'), x, g);
        }
        assertThat(fresh.primitivesBuilt()).as("a 3 x 5 result over 9, 2 and 30 tokens: one primitive").isEqualTo(5);
    }

    /** c = a b against the float64 sums, within float32 accumulation's bound (as above, alpha 1, beta 0). */
    private static void assertProduct(INDArray a, INDArray b, INDArray c) {
        double[][] x = a.castTo(DataType.DOUBLE).toDoubleMatrix(), w = b.castTo(DataType.DOUBLE).toDoubleMatrix();
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < w[0].length; j++) {
                double sum = 0, magnitude = 0;
                for (int t = 0; t < w.length; t++) {
                    sum += x[i][t] * w[t][j];
                    magnitude += Math.abs(x[i][t] * w[t][j]);
                }
                double u = 0x1p-24;
                assertThat(Math.abs(c.getDouble(i, j) - sum)).as("c[%d, %d]", i, j)
                        .isLessThanOrEqualTo(w.length * u / (1 - w.length * u) * magnitude);
            }
        }
    }

    @Test
    void mixedOrUnsupportedTypesAreRefused() {
        INDArray f = Nd4j.zeros(DataType.FLOAT, 2, 2), h = Nd4j.zeros(DataType.BFLOAT16, 2, 2), d = Nd4j.zeros(DataType.DOUBLE, 2, 2);
        assertThat(OneDnnMatmul.types(f, f, f)).isTrue();
        assertThat(OneDnnMatmul.types(h, h, f)).isTrue();
        assertThat(OneDnnMatmul.types(f, h, f)).as("oneDNN 2.5 has no float32 x bfloat16 matmul").isFalse();
        assertThat(OneDnnMatmul.types(d, d, d)).isFalse();
        assertThatThrownBy(() -> matmul.gemm(1, f, false, h, false, 0, f)).hasMessageContaining("FLOAT x BFLOAT16");
    }

    /**
     * Where oneDNN has a bfloat16 matmul, its products of bfloat16 operands against the float64 sums of the same
     * values (float32 accumulation: the bound above); where it has none, the probe says so, naming the ISA, and the
     * ISA is one below AVX-512, where oneDNN 2.5 builds no bfloat16 matmul.
     */
    @Test
    void bfloat16WhereTheCpuHasItAndASaidReasonWhereNot() {
        Optional<String> impl = matmul.bf16Impl();
        String isa = OneDnn.isa();
        Bf16Matmul probed = Bf16Matmul.probe(Optional.of(matmul), "");
        if (impl.isEmpty()) {
            assertThat(isa).as("oneDNN 2.5 has bfloat16 matmul on every AVX-512 ISA").isIn(Set.of("sse41", "avx", "avx2", "avx2_vnni"));
            assertThat(probed.matmul()).isEmpty();
            assertThat(probed.how()).contains("emulated", "no bfloat16 matmul on this CPU", "ISA " + isa);
            return;
        }
        assertThat(probed.how()).contains("oneDNN matmul", "impl " + impl.get(), "ISA " + isa);
        int m = 10, k = 200, n = 24;
        double[][] a = random(m, k, 7), bt = random(n, k, 8);
        INDArray ha = array(a, DataType.BFLOAT16, false), hb = array(bt, DataType.BFLOAT16, false);
        // Both kinds of primitive: for any row count (the projections') and for this one (the LM head's).
        for (OneDnnMatmul kind : new OneDnnMatmul[]{matmul, new OneDnnMatmul(OneDnn.open().engine().orElseThrow(), 0)}) {
            INDArray c = Nd4j.zeros(DataType.FLOAT, m, n);
            assertThat(kind.gemm(1, ha, false, hb, true, 0, c)).isTrue();
            assertProduct(ha, hb.transpose(), c);
        }
    }

    @Test
    void isaNamesAreOneDnnsOwn() {
        // Against the constants of the library's own header, as bytedeco maps them.
        assertThat(OneDnn.isaName(dnnl.dnnl_cpu_isa_avx2)).isEqualTo("avx2");
        assertThat(OneDnn.isaName(dnnl.dnnl_cpu_isa_avx512_core)).isEqualTo("avx512_core");
        assertThat(OneDnn.isaName(dnnl.dnnl_cpu_isa_avx512_core_bf16)).isEqualTo("avx512_core_bf16");
        assertThat(OneDnn.isaName(dnnl.dnnl_cpu_isa_avx512_core_amx)).isEqualTo("avx512_core_amx");
        assertThat(OneDnn.isaName(dnnl.dnnl_cpu_isa_avx2_vnni)).isEqualTo("avx2_vnni");
        assertThat(OneDnn.isaName(0x12345)).isEqualTo("isa 0x12345");
        assertThat(OneDnn.version()).isEqualTo("2.5.2");
    }
}
