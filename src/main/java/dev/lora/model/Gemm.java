package dev.lora.model;

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
 * Products of row-major activations with a projection's weight, through the OpenBLAS that ND4J's CPU backend
 * loads, called directly. The weight W is the logical [K, N] matrix, held row-major or column-major (the
 * model holds projections column-major, see {@link Gpt2Weights}); either way BLAS reads it in place. Through
 * ND4J the column-major weight cost a copy per call (peak memory +0.9 GB in training) and a result in W's
 * layout; the row-major one reads at half speed when few rows are multiplied (decoding). Other backends
 * (CUDA) go through {@link Nd4j#gemm}.
 */
final class Gemm {
    private static final boolean DIRECT = Nd4j.getBackend().getClass().getName().endsWith(".CpuBackend");

    private Gemm() {
    }

    /** x [M, K] times W [K, N]: a new row-major [M, N]. */
    static INDArray times(INDArray x, INDArray w) {
        INDArray out = Nd4j.createUninitialized(x.dataType(), new long[]{x.size(0), w.size(1)}, 'c');
        if (!DIRECT) return Nd4j.gemm(x, w, out, false, false, 1.0, 0.0);
        product(Loops.dense(x), w, false, out);
        return out;
    }

    /** dy [M, N] times W^T ([N, K]): a new row-major [M, K]. */
    static INDArray timesTransposed(INDArray dy, INDArray w) {
        INDArray out = Nd4j.createUninitialized(dy.dataType(), new long[]{dy.size(0), w.size(0)}, 'c');
        if (!DIRECT) return Nd4j.gemm(dy, w, out, false, true, 1.0, 0.0);
        product(Loops.dense(dy), w, true, out);
        return out;
    }

    /** out = a op(W), all row-major to BLAS: a column-major W is a row-major W^T, so its transpose flag flips. */
    private static void product(INDArray a, INDArray w, boolean transposeW, INDArray out) {
        if (a.dataType() != w.dataType()) throw new IllegalArgumentException(a.dataType() + " activations, " + w.dataType() + " weight");
        long rows = w.size(0), cols = w.size(1);
        boolean rowMajor = w.stride(1) == 1 && w.stride(0) == cols;
        boolean columnMajor = w.stride(0) == 1 && w.stride(1) == rows;
        // (No w.transpose() here: in a workspace ND4J copies the matrix for it.)
        if (!(rowMajor || columnMajor) || w.offset() != 0 || w.data().length() != w.length())
            throw new IllegalArgumentException("weight is not a dense matrix: " + w.shapeInfoToString());
        int m = (int) a.size(0), k = (int) a.size(1), n = (int) out.size(1);
        int trans = (transposeW != columnMajor) ? CblasTrans : CblasNoTrans;
        int ldw = (int) (columnMajor ? rows : cols);
        if (Loops.isDouble(a)) {
            cblas_dgemm(CblasRowMajor, CblasNoTrans, trans, m, n, k, 1.0, (DoublePointer) a.data().addressPointer(), k,
                    (DoublePointer) w.data().addressPointer(), ldw, 0.0, (DoublePointer) out.data().addressPointer(), n);
        } else {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, trans, m, n, k, 1f, (FloatPointer) a.data().addressPointer(), k,
                    (FloatPointer) w.data().addressPointer(), ldw, 0f, (FloatPointer) out.data().addressPointer(), n);
        }
    }
}
