package dev.lora.model;

import dev.lora.model.kernels.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * GPT-2's frozen projection y = x W + b, with W [in, out] as Hugging Face's Conv1D has it: row-major, or
 * column-major once generation has laid it out for decoding ({@link Gpt2Weights#layOutForDecoding}).
 */
public final class Conv1D implements Linear {
    private final Param weight;
    private final Param bias;
    private final long zeroFrom;
    private final long zeroTo;
    private final Kernels kernels;

    public Conv1D(Param weight, Param bias, Kernels kernels) {
        this(weight, bias, 0, 0, kernels);
    }

    /**
     * A projection whose bias gradient is exactly zero in output columns [zeroFrom, zeroTo). c_attn's key
     * slice is one: a key bias adds q . b to every score of a query's row, a shift softmax ignores. Summing
     * dy would give roundoff instead, which Adam's normalisation turns into steps of up to the learning rate
     * in float32 (a random walk the float64 run does not take); the exact zero leaves only weight decay.
     */
    public Conv1D(Param weight, Param bias, long zeroFrom, long zeroTo, Kernels kernels) {
        this.weight = weight;
        this.bias = bias;
        this.zeroFrom = zeroFrom;
        this.zeroTo = zeroTo;
        this.kernels = kernels;
    }

    public Param weight() {
        return weight;
    }

    public Param bias() {
        return bias;
    }

    /** The kernels this projection computes with; adapter layers wrapping it use the same. */
    public Kernels kernels() {
        return kernels;
    }

    public long in() {
        return weight.value().size(0);
    }

    public long out() {
        return weight.value().size(1);
    }

    @Override
    public INDArray forward(INDArray x, Pass pass) {
        INDArray y = kernels.times(x, weight.value());
        kernels.addRowVector(y, bias.value());
        return y;
    }

    /** The weight is frozen: its backward needs dy and the weight only. */
    @Override
    public boolean keepsInput() {
        return false;
    }

    @Override
    public INDArray backward(INDArray dy) {
        if (bias.trainable()) {
            INDArray g = dy.sum(0);
            if (zeroTo > zeroFrom) g.get(NDArrayIndex.interval(zeroFrom, zeroTo)).assign(0);
            bias.accumulate(g);
        }
        // The weight is frozen (LoRA trains only adapters and, optionally, biases): no dW.
        return kernels.timesTransposed(dy, weight.value());
    }
}
