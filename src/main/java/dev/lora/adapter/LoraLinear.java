package dev.lora.adapter;

import dev.lora.model.Conv1D;
import dev.lora.model.Linear;
import dev.lora.model.Param;
import dev.lora.model.Pass;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** loralib Linear: y = base(x) + scaling * dropout(x) A^T B^T, A [r, in], B [out, r]. */
final class LoraLinear implements Linear {
    private final Conv1D base;
    private final LoraDown down;
    private final Param b;
    private final double scaling;
    private INDArray xa;

    LoraLinear(Conv1D base, Param a, Param b, double scaling, LoraDropout dropout) {
        this.base = base;
        this.down = new LoraDown(a, dropout, base.kernels());
        this.b = b;
        this.scaling = scaling;
    }

    @Override
    public INDArray forward(INDArray x, Pass pass) {
        INDArray y = base.forward(x, pass);
        INDArray xaNow = down.forward(x, pass);
        xa = pass.keep() ? xaNow : null;
        base.kernels().gemm(scaling, xaNow, false, b.value(), true, 1, y);
        return y;
    }

    @Override
    public INDArray backward(INDArray dy) {
        INDArray dx = base.backward(dy);
        base.kernels().gemm(scaling, dy, true, xa, false, 1, b.grad());
        INDArray dDown = Nd4j.createUninitialized(xa.dataType(), xa.shape(), 'c');
        base.kernels().gemm(scaling, dy, false, b.value(), false, 0, dDown);
        xa = null;
        down.backward(dDown, dx);
        return dx;
    }
}
