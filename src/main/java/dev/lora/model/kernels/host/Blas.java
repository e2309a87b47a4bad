package dev.lora.model.kernels.host;

import dev.lora.model.kernels.Dense;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
 * followed the weight's layout; column blocks had to be copied out first. Shapes are checked by the caller.
 */
final class Blas {
    private Blas() {
    }

    /** c = alpha op(a) op(b) + beta c, for 2-D arrays or views; c must have unit column stride (rows of c). */
    static void gemm(double alpha, INDArray a, boolean transA, INDArray b, boolean transB, double beta, INDArray c) {
        Layout la = Layout.of(a), lb = Layout.of(b), lc = Layout.of(c);
        if (la == null || lb == null || lc == null || lc.flipped) {
            INDArray r = Nd4j.gemm(a.dup('c'), b.dup('c'), transA, transB);
            c.assign(beta == 0 ? r.muli(alpha) : c.mul(beta).addi(r.muli(alpha)));
            return;
        }
        int m = (int) c.size(0), n = (int) c.size(1), k = (int) (transA ? a.size(0) : a.size(1));
        int ta = (transA != la.flipped) ? CblasTrans : CblasNoTrans, tb = (transB != lb.flipped) ? CblasTrans : CblasNoTrans;
        HostLoops.onHost(a);
        HostLoops.onHost(b);
        HostLoops.onHost(c);
        if (Dense.isDouble(c)) {
            cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, alpha, doubles(a), la.ld, doubles(b), lb.ld, beta, doubles(c), lc.ld);
        } else {
            cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, (float) alpha, floats(a), la.ld, floats(b), lb.ld, (float) beta,
                    floats(c), lc.ld);
        }
        HostLoops.written(c);
    }

    /**
     * c[i, j] = op(a[i, j]) op(b[i, j]) over the two leading dimensions, one BLAS call per matrix: ND4J's batched
     * matmul ran attention's 128 x 128 x 64 products at ~30 GFLOP/s on this machine, these calls at ~95.
     */
    static void batchedInto(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c) {
        long m = c.size(2), n = c.size(3), k = transA ? a.size(2) : a.size(3);
        Layout la = Layout.ofLast2(a), lb = Layout.ofLast2(b), lc = Layout.ofLast2(c);
        if (la == null || lb == null || lc == null || lc.flipped || a.dataType() != b.dataType() || a.dataType() != c.dataType()) {
            c.assign(Nd4j.matmul(a, b, transA, transB, false));
            return;
        }
        int ta = (transA != la.flipped) ? CblasTrans : CblasNoTrans, tb = (transB != lb.flipped) ? CblasTrans : CblasNoTrans;
        HostLoops.onHost(a);
        HostLoops.onHost(b);
        HostLoops.onHost(c);
        boolean isDouble = Dense.isDouble(c);
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
        HostLoops.written(c);
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
