package dev.lora.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A projection y = f(x) over rows: x [N, in] to y [N, out]. The base layer is {@link Conv1D};
 * LoRA layers wrap it. {@link Pass#keep} asks the layer to remember what its backward pass needs;
 * {@link #backward} then returns dL/dx and accumulates the gradients of trainable parameters. A training pass
 * also says which examples the rows are, which LoRA dropout draws its masks from.
 */
public interface Linear {
    INDArray forward(INDArray x, Pass pass);

    INDArray backward(INDArray dy);

    /**
     * Whether a pass that keeps activations keeps this layer's input for {@link #backward} (an adapter's does; a
     * frozen projection's gradient needs only its weight), so that the caller must not free it after forward.
     */
    boolean keepsInput();
}
