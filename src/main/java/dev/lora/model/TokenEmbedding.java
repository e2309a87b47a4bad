package dev.lora.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Token ids to rows of embeddings, [N] to [N, C]. The base is {@link Embedding}; LoRA wraps it. */
public interface TokenEmbedding {
    INDArray forward(int[] ids, boolean keep);

    /** Accumulates gradients of trainable parameters from dL/d(embedding rows). */
    void backward(INDArray dRows);
}
