package dev.lora.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A projection y = f(x) over rows: x [N, in] to y [N, out]. The base layer is {@link Conv1D};
 * LoRA layers wrap it. {@code keep} asks the layer to remember what its backward pass needs;
 * {@link #backward} then returns dL/dx and accumulates the gradients of trainable parameters.
 */
public interface Linear {
    INDArray forward(INDArray x, boolean keep);

    INDArray backward(INDArray dy);
}
