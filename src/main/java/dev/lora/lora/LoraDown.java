package dev.lora.lora;

import dev.lora.model.Param;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The shared first half of a LoRA branch: dropout(x) A^T, with A [rank(s), in]. The second half (B) differs
 * between loralib's Linear and MergedLinear, so they each own it and call this for A.
 */
final class LoraDown {
    private final Param a;
    private final LoraDropout dropout;
    private INDArray input, mask;

    LoraDown(Param a, LoraDropout dropout) {
        this.a = a;
        this.dropout = dropout;
    }

    /** dropout(x) A^T, [N, rows of A]. */
    INDArray forward(INDArray x, boolean keep) {
        INDArray m = dropout.mask(x);
        INDArray in = LoraDropout.apply(x, m);
        if (keep) {
            input = in;
            mask = m;
        }
        return Nd4j.gemm(in, a.value(), false, true);
    }

    /** Accumulates dA from dL/d(down) and returns the branch's contribution to dL/dx. */
    INDArray backward(INDArray dDown) {
        a.grad().addi(Nd4j.gemm(dDown, input, true, false));
        INDArray dx = LoraDropout.apply(Nd4j.gemm(dDown, a.value(), false, false), mask);
        input = mask = null;
        return dx;
    }
}
