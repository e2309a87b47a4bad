package dev.lora.model;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas.cblas_sgemm;

/**
 * Matrix products through the OpenBLAS that ND4J's CPU backend loads, called directly on the arrays' memory.
 * Operands may be views (a block of columns, a transposed matrix) and the result may be a block of a larger
 * matrix, accumulated into with beta: BLAS takes strides and scaling, so no operand is copied and no separate
 * pass scales or adds the product. Through ND4J a column-major weight cost a copy per call and the result
 * followed the weight's layout; column blocks had to be copied out first. The nd4j kernels (any backend but the
 * CPU one, or LORA_KERNELS=nd4j) go through ND4J's matmul op ({@link Mmul}, {@link Nd4j#matmul}) on the same views.
 */
public final class Gemm {
    private static final boolean DIRECT = Kernels.active().onHost();

    private Gemm() {
    }

    /** x [M, K] times W [K, N]: a new row-major [M, N]. */
    public static INDArray times(INDArray x, INDArray w) {
        INDArray out = Nd4j.createUninitialized(x.dataType(), new long[]{x.size(0), w.size(1)}, 'c');
        product(1, x, false, w, false, 0, out);
        return out;
    }

    /** dy [M, N] times W^T ([N, K]): a new row-major [M, K]. */
    public static INDArray timesTransposed(INDArray dy, INDArray w) {
        INDArray out = Nd4j.createUninitialized(dy.dataType(), new long[]{dy.size(0), w.size(0)}, 'c');
        product(1, dy, false, w, true, 0, out);
        return out;
    }

    /** c = alpha op(a) op(b) + beta c, for 2-D arrays or views; c must have unit column stride (rows of c). */
    public static void product(double alpha, INDArray a, boolean transA, INDArray b, boolean transB, double beta, INDArray c) {
        if (a.dataType() != b.dataType() || a.dataType() != c.dataType())
            throw new IllegalArgumentException("mixed types: " + a.dataType() + ", " + b.dataType() + ", " + c.dataType());
        checkShapes(a.size(0), a.size(1), transA, b.size(0), b.size(1), transB, c.size(0), c.size(1));
        Layout la = Layout.of(a), lb = Layout.of(b), lc = Layout.of(c);
        if (!DIRECT) {
            // ND4J's matmul op on the operands as they are (views included) and into c, with alpha and beta.
            MMulTranspose t = MMulTranspose.builder().transposeA(transA).transposeB(transB).build();
            Nd4j.exec(new Mmul(a, b, c, alpha, beta, t));
            return;
        }
        if (la == null || lb == null || lc == null || lc.flipped) {
            INDArray r = Nd4j.gemm(a.dup('c'), b.dup('c'), transA, transB);
            c.assign(beta == 0 ? r.muli(alpha) : c.mul(beta).addi(r.muli(alpha)));
            return;
        }
        int m = (int) c.size(0), n = (int) c.size(1), k = (int) (transA ? a.size(0) : a.size(1));
        int ta = (transA != la.flipped) ? CblasTrans : CblasNoTrans, tb = (transB != lb.flipped) ? CblasTrans : CblasNoTrans;
        Loops.onHost(a);
        Loops.onHost(b);
        Loops.onHost(c);
        if (Loops.isDouble(c)) {
            cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, alpha, doubles(a), la.ld, doubles(b), lb.ld, beta, doubles(c), lc.ld);
        } else {
            cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, (float) alpha, floats(a), la.ld, floats(b), lb.ld, (float) beta,
                    floats(c), lc.ld);
        }
        Loops.written(c);
    }

    /**
     * Batched products over the two leading dimensions: c[i, j] = op(a[i, j]) op(b[i, j]) for [B, H, *, *]
     * arrays or views (the key/value cache's filled slots, say), into a new row-major [B, H, M, N]. One BLAS
     * call per matrix: ND4J's batched matmul ran attention's 128 x 128 x 64 products at ~30 GFLOP/s on this
     * machine, these calls at ~95.
     */
    public static INDArray batched(INDArray a, boolean transA, INDArray b, boolean transB) {
        if (a.rank() != 4 || b.rank() != 4) throw new IllegalArgumentException("expected [B, H, rows, cols] arrays");
        long m = transA ? a.size(3) : a.size(2), n = transB ? b.size(2) : b.size(3);
        INDArray c = Nd4j.createUninitialized(a.dataType(), new long[]{a.size(0), a.size(1), m, n}, 'c');
        batchedInto(a, transA, b, transB, c);
        return c;
    }

    /**
     * As {@link #batched}, written into c: a [B, H, M, N] array or view whose matrices have unit column stride,
     * e.g. heads laid out as [B, T, H, D] and viewed as [B, H, T, D], so the result needs no copy to merge them.
     */
    public static void batchedInto(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c) {
        if (a.rank() != 4 || b.rank() != 4 || c.rank() != 4) throw new IllegalArgumentException("expected [B, H, rows, cols] arrays");
        long m = c.size(2), n = c.size(3), k = transA ? a.size(2) : a.size(3);
        checkShapes(a.size(2), a.size(3), transA, b.size(2), b.size(3), transB, m, n);
        for (int d = 0; d < 2; d++) {
            if (a.size(d) != c.size(d) || b.size(d) != c.size(d))
                throw new IllegalArgumentException("batch dimensions differ: " + Arrays.toString(a.shape()) + ", "
                        + Arrays.toString(b.shape()) + " -> " + Arrays.toString(c.shape()));
        }
        Layout la = Layout.ofLast2(a), lb = Layout.ofLast2(b), lc = Layout.ofLast2(c);
        if (!DIRECT) {
            Nd4j.matmul(a, b, c, transA, transB, false);
            return;
        }
        if (la == null || lb == null || lc == null || lc.flipped || a.dataType() != b.dataType() || a.dataType() != c.dataType()) {
            c.assign(Nd4j.matmul(a, b, transA, transB, false));
            return;
        }
        int ta = (transA != la.flipped) ? CblasTrans : CblasNoTrans, tb = (transB != lb.flipped) ? CblasTrans : CblasNoTrans;
        Loops.onHost(a);
        Loops.onHost(b);
        Loops.onHost(c);
        boolean isDouble = Loops.isDouble(c);
        long aBase = a.offset() - a.data().offset(), bBase = b.offset() - b.data().offset(), cBase = c.offset() - c.data().offset();
        // One pointer per operand, moved for each matrix: attention makes thousands of these calls per step.
        DoublePointer ad = isDouble ? new DoublePointer(a.data().addressPointer()) : null;
        DoublePointer bd = isDouble ? new DoublePointer(b.data().addressPointer()) : null;
        DoublePointer cd = isDouble ? new DoublePointer(c.data().addressPointer()) : null;
        FloatPointer af = isDouble ? null : new FloatPointer(a.data().addressPointer());
        FloatPointer bf = isDouble ? null : new FloatPointer(b.data().addressPointer());
        FloatPointer cf = isDouble ? null : new FloatPointer(c.data().addressPointer());
        for (long i = 0; i < c.size(0); i++) {
            for (long j = 0; j < c.size(1); j++) {
                long ao = aBase + i * a.stride(0) + j * a.stride(1), bo = bBase + i * b.stride(0) + j * b.stride(1);
                long co = cBase + i * c.stride(0) + j * c.stride(1);
                if (isDouble) {
                    cblas_dgemm(CblasRowMajor, ta, tb, (int) m, (int) n, (int) k, 1.0, ad.position(ao), la.ld,
                            bd.position(bo), lb.ld, 0.0, cd.position(co), lc.ld);
                } else {
                    cblas_sgemm(CblasRowMajor, ta, tb, (int) m, (int) n, (int) k, 1f, af.position(ao), la.ld,
                            bf.position(bo), lb.ld, 0f, cf.position(co), lc.ld);
                }
            }
        }
        Loops.written(c);
    }

    /** BLAS would read past the arrays if these disagreed, so they are checked before every call. */
    private static void checkShapes(long aRows, long aCols, boolean transA, long bRows, long bCols, boolean transB,
                                    long cRows, long cCols) {
        long m = transA ? aCols : aRows, k = transA ? aRows : aCols, kb = transB ? bCols : bRows, n = transB ? bRows : bCols;
        if (k != kb || m != cRows || n != cCols) {
            throw new IllegalArgumentException("product of " + m + "x" + k + " and " + kb + "x" + n + " into " + cRows + "x" + cCols);
        }
    }

    /**
     * How BLAS sees a 2-D array: row-major with leading dimension ld, or (flipped) the row-major transpose of
     * a column-major array. Null when neither (no unit stride), which the caller copies.
     */
    private record Layout(boolean flipped, int ld) {
        static Layout of(INDArray x) {
            if (x.rank() != 2) throw new IllegalArgumentException("expected a matrix, got " + x.shapeInfoToString());
            return of(x.size(0), x.size(1), x.stride(0), x.stride(1));
        }

        /** The layout of each matrix in the last two dimensions. */
        static Layout ofLast2(INDArray x) {
            int r = x.rank();
            return of(x.size(r - 2), x.size(r - 1), x.stride(r - 2), x.stride(r - 1));
        }

        private static Layout of(long rows, long cols, long rowStride, long colStride) {
            if ((cols == 1 || colStride == 1) && (rows == 1 || rowStride >= cols))
                return new Layout(false, (int) Math.max(rows == 1 ? cols : rowStride, 1));
            if ((rows == 1 || rowStride == 1) && (cols == 1 || colStride >= rows))
                return new Layout(true, (int) Math.max(cols == 1 ? rows : colStride, 1));
            return null;
        }
    }

    /** A view's data() is its own buffer, already at the buffer's offset; any offset beyond that is added here. */
    private static FloatPointer floats(INDArray x) {
        return new FloatPointer(x.data().addressPointer()).position(x.offset() - x.data().offset());
    }

    private static DoublePointer doubles(INDArray x) {
        return new DoublePointer(x.data().addressPointer()).position(x.offset() - x.data().offset());
    }
}
