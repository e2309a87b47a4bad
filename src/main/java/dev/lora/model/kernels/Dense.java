package dev.lora.model.kernels;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Layout checks and copies that every backend shares: the kernels take dense row-major arrays where they say so. */
public final class Dense {
    private Dense() {
    }

    /** The array itself when its elements are one dense run in row-major order, else a row-major copy. */
    public static INDArray of(INDArray a) {
        boolean packed = a.ordering() == 'c' && rowMajorStrides(a) && a.offset() == 0 && a.data().length() == a.length();
        return packed ? a : a.dup('c');
    }

    /**
     * Each dimension's stride is the product of the sizes after it, ignoring dimensions of size 1 (whose stride
     * never moves). ND4J's Shape.hasDefaultStridesForShape says false for a fresh [1, 4, 1, 1] (attention's
     * probabilities for one sequence of one token), which made the host kernels refuse it as not dense.
     */
    private static boolean rowMajorStrides(INDArray a) {
        long expected = 1;
        for (int d = a.rank() - 1; d >= 0; d--) {
            if (a.size(d) != 1 && a.stride(d) != expected) return false;
            expected *= a.size(d);
        }
        return true;
    }

    /** For work in place: the caller's array must already be dense. */
    public static INDArray require(INDArray a) {
        if (of(a) != a) throw new IllegalStateException("expected a dense row-major array, got " + a.shapeInfoToString());
        return a;
    }

    /** An uninitialised row-major array like a. */
    public static INDArray like(INDArray a) {
        return Nd4j.createUninitialized(a.dataType(), a.shape(), 'c');
    }

    public static boolean isDouble(INDArray a) {
        return a.dataType() == DataType.DOUBLE;
    }

    public static void requireFloating(INDArray a) {
        if (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE)
            throw new IllegalArgumentException("expected float32 or float64, got " + a.dataType());
    }
}
