package dev.lora.adapter;

import dev.lora.model.Conv1D;
import dev.lora.model.Param;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** loralib Linear: y = base(x) + scaling * dropout(x) A^T B^T, A [r, in], B [out, r]. */
final class LoraLinear extends LoraBranch {
    LoraLinear(Conv1D base, Param a, Param b, double scaling, LoraDropout dropout) {
        super(base, a, b, scaling, dropout);
    }

    @Override
    void up(INDArray xa, INDArray y) {
        kernels().gemm(scaling, xa, false, b.value(), true, 1, y);
    }

    @Override
    INDArray upBackward(INDArray dy, INDArray xa) {
        kernels().gemm(scaling, dy, true, xa, false, 1, b.grad());
        INDArray dDown = Nd4j.createUninitialized(xa.dataType(), xa.shape(), 'c');
        kernels().gemm(scaling, dy, false, b.value(), false, 0, dDown);
        return dDown;
    }
}
