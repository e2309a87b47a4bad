package dev.lora.lora;

import dev.lora.model.Conv1D;
import dev.lora.model.Linear;
import dev.lora.model.Param;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** loralib Linear: y = base(x) + scaling * dropout(x) A^T B^T, A [r, in], B [out, r]. */
final class LoraLinear implements Linear {
    private final Conv1D base;
    private final Param a;
    private final Param b;
    private final double scaling;
    private final LoraDropout dropout;
    private INDArray xd, xa, mask;

    LoraLinear(Conv1D base, Param a, Param b, double scaling, LoraDropout dropout) {
        this.base = base;
        this.a = a;
        this.b = b;
        this.scaling = scaling;
        this.dropout = dropout;
    }

    @Override
    public INDArray forward(INDArray x, boolean keep) {
        INDArray y = base.forward(x, keep);
        INDArray m = dropout.mask(x);
        INDArray in = LoraDropout.apply(x, m);
        INDArray down = Nd4j.gemm(in, a.value(), false, true);
        if (keep) {
            xd = in;
            xa = down;
            mask = m;
        }
        return y.addi(Nd4j.gemm(down, b.value(), false, true).muli(scaling));
    }

    @Override
    public INDArray backward(INDArray dy) {
        INDArray dx = base.backward(dy);
        b.grad().addi(Nd4j.gemm(dy, xa, true, false).muli(scaling));
        INDArray dDown = Nd4j.gemm(dy, b.value(), false, false).muli(scaling);
        a.grad().addi(Nd4j.gemm(dDown, xd, true, false));
        dx.addi(LoraDropout.apply(Nd4j.gemm(dDown, a.value(), false, false), mask));
        xd = xa = mask = null;
        return dx;
    }
}
