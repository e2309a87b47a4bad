package dev.lora.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A named tensor of the model. Frozen parameters carry no gradient buffer, so the backward pass
 * of the frozen GPT-2 only computes activation gradients; {@link #makeTrainable()} adds one.
 */
public final class Param {
    private final String name;
    private INDArray value;
    private INDArray grad;

    public Param(String name, INDArray value) {
        this.name = name;
        this.value = value;
    }

    public String name() {
        return name;
    }

    public INDArray value() {
        return value;
    }

    /** Holds the same values in another memory order ('c' row-major, 'f' column-major); frees the old copy. */
    void relayout(char order) {
        if (value.ordering() == order) return;
        INDArray old = value;
        value = old.dup(order);
        if (old.closeable()) old.close();
    }

    public boolean trainable() {
        return grad != null;
    }

    public void makeTrainable() {
        if (grad == null) grad = Nd4j.zeros(value.dataType(), value.shape());
    }

    /** The gradient accumulated since the last {@link #zeroGrad()}; only for trainable parameters. */
    public INDArray grad() {
        if (grad == null) throw new IllegalStateException(name + " is frozen");
        return grad;
    }

    /** Adds {@code g} to the gradient when this parameter is trained; frozen parameters ignore it. */
    void accumulate(INDArray g) {
        if (grad != null) grad.addi(g);
    }

    public void zeroGrad() {
        if (grad != null) grad.assign(0);
    }
}
