package dev.lora.adapter;

import dev.lora.model.Conv1D;
import dev.lora.model.Param;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * loralib MergedLinear over the fused c_attn (q, k, v slices of width C each). With k enabled
 * slices, A is [r*k, in] and B is [C*k, r]; enabled slice g (in q, k, v order) adds
 * scaling * dropout(x) A_g^T B_g^T to its own output columns only.
 */
final class MergedLoraLinear extends LoraBranch {
    private final int[] slices;
    private final int rank;

    /** {@code slices}: the enabled output slices (0 = q, 1 = k, 2 = v), ascending. */
    MergedLoraLinear(Conv1D base, Param a, Param b, int[] slices, int rank, double scaling, LoraDropout dropout) {
        super(base, a, b, scaling, dropout);
        this.slices = slices;
        this.rank = rank;
    }

    /** Each product lands in its slice of y directly: y_g += scaling * xa_g B_g^T. */
    @Override
    void up(INDArray xa, INDArray y) {
        long width = y.size(1) / 3;
        for (int g = 0; g < slices.length; g++) {
            kernels().gemm(scaling, group(xa, g), false, rowsOfB(b.value(), g, width), true, 1, columns(y, slices[g], width));
        }
    }

    @Override
    INDArray upBackward(INDArray dy, INDArray xa) {
        long width = dy.size(1) / 3;
        INDArray dDown = Nd4j.createUninitialized(xa.dataType(), xa.shape(), 'c');
        for (int g = 0; g < slices.length; g++) {
            INDArray dySlice = columns(dy, slices[g], width);
            kernels().gemm(scaling, dySlice, true, group(xa, g), false, 1, rowsOfB(b.grad(), g, width));
            kernels().gemm(scaling, dySlice, false, rowsOfB(b.value(), g, width), false, 0, group(dDown, g));
        }
        return dDown;
    }

    private INDArray group(INDArray down, int g) {
        return down.get(NDArrayIndex.all(), NDArrayIndex.interval((long) g * rank, (long) (g + 1) * rank));
    }

    private static INDArray rowsOfB(INDArray bMatrix, int g, long width) {
        return bMatrix.get(NDArrayIndex.interval(g * width, (g + 1) * width), NDArrayIndex.all());
    }

    private static INDArray columns(INDArray y, int slice, long width) {
        return y.get(NDArrayIndex.all(), NDArrayIndex.interval(slice * width, (slice + 1) * width));
    }
}
