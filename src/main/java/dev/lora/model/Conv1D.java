package dev.lora.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** GPT-2's frozen projection y = x W + b, with W stored [in, out] as Hugging Face's Conv1D does. */
public final class Conv1D implements Linear {
    private final Param weight;
    private final Param bias;
    private INDArray x;

    public Conv1D(Param weight, Param bias) {
        this.weight = weight;
        this.bias = bias;
    }

    public Param weight() {
        return weight;
    }

    public Param bias() {
        return bias;
    }

    public long in() {
        return weight.value().size(0);
    }

    public long out() {
        return weight.value().size(1);
    }

    @Override
    public INDArray forward(INDArray x, boolean keep) {
        this.x = keep ? x : null;
        INDArray y = Nd4j.gemm(x, weight.value(), false, false);
        return y.addiRowVector(bias.value());
    }

    @Override
    public INDArray backward(INDArray dy) {
        if (bias.trainable()) bias.accumulate(dy.sum(0));
        // The weight is frozen (LoRA trains only adapters and, optionally, biases): no dW.
        x = null;
        return Nd4j.gemm(dy, weight.value(), false, true);
    }
}
