package dev.lora.adapter;

import dev.lora.model.Param;
import dev.lora.model.Pass;
import dev.lora.model.kernels.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The shared first half of a LoRA branch: dropout(x) A^T, with A [rank(s), in]. The second half (B) differs
 * between loralib's Linear and MergedLinear ({@link LoraBranch}'s subclasses).
 */
final class LoraDown {
    private final Param a;
    private final LoraDropout dropout;
    private final Kernels kernels;
    private INDArray input, mask;

    LoraDown(Param a, LoraDropout dropout, Kernels kernels) {
        this.a = a;
        this.dropout = dropout;
        this.kernels = kernels;
    }

    /** dropout(x) A^T, [N, rows of A]. */
    INDArray forward(INDArray x, Pass pass) {
        LoraDropout.Dropped dropped = dropout.apply(x, pass);
        INDArray in = dropped.input();
        if (pass.keep()) {
            input = in;
            mask = dropped.mask();
        }
        return kernels.timesTransposed(in, a.value());
    }

    /** Accumulates dA from dL/d(down) and adds the branch's contribution to dL/dx into {@code dx}. */
    void backward(INDArray dDown, INDArray dx) {
        kernels.gemm(1, dDown, true, input, false, 1, a.grad());
        if (mask == null) {
            kernels.gemm(1, dDown, false, a.value(), false, 1, dx);
        } else {
            INDArray dIn = Nd4j.createUninitialized(dx.dataType(), dx.shape(), 'c');
            kernels.gemm(1, dDown, false, a.value(), false, 0, dIn);
            dx.addi(dIn.muli(mask));
        }
        input = mask = null;
    }
}
