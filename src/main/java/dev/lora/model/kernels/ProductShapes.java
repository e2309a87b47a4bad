package dev.lora.model.kernels;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/** The checks every backend makes before a product: BLAS would read past the arrays if these disagreed. */
public final class ProductShapes {
    private ProductShapes() {
    }

    /** c = op(a) op(b): one type (or a bfloat16 product, {@link Bf16Operands}), and shapes that fit. */
    public static void check(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c) {
        boolean oneType = a.dataType() == b.dataType() && a.dataType() == c.dataType();
        if (!oneType && !Bf16Operands.involved(a, b, c))
            throw new IllegalArgumentException("mixed types: " + a.dataType() + ", " + b.dataType() + ", " + c.dataType());
        check(a.size(0), a.size(1), transA, b.size(0), b.size(1), transB, c.size(0), c.size(1));
    }

    /** The batched form over [B, H, rows, cols]: equal leading dimensions and fitting matrices. */
    public static void checkBatched(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c) {
        if (a.rank() != 4 || b.rank() != 4 || c.rank() != 4) throw new IllegalArgumentException("expected [B, H, rows, cols] arrays");
        check(a.size(2), a.size(3), transA, b.size(2), b.size(3), transB, c.size(2), c.size(3));
        for (int d = 0; d < 2; d++) {
            if (a.size(d) != c.size(d) || b.size(d) != c.size(d))
                throw new IllegalArgumentException("batch dimensions differ: " + Arrays.toString(a.shape()) + ", "
                        + Arrays.toString(b.shape()) + " -> " + Arrays.toString(c.shape()));
        }
    }

    private static void check(long aRows, long aCols, boolean transA, long bRows, long bCols, boolean transB, long cRows, long cCols) {
        long m = transA ? aCols : aRows, k = transA ? aRows : aCols, kb = transB ? bCols : bRows, n = transB ? bRows : bCols;
        if (k != kb || m != cRows || n != cCols) {
            throw new IllegalArgumentException("product of " + m + "x" + k + " and " + kb + "x" + n + " into " + cRows + "x" + cCols);
        }
    }
}
