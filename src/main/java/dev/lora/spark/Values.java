package dev.lora.spark;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;

/**
 * A parameter's or gradient's values as they cross the network: exactly the model's numbers, float32 or float64,
 * row-major. (LoRA's trainable tensors are small: GPT-2 Medium, q/v r 4, is 0.4 M values a step.)
 */
record Values(long[] shape, float[] floats, double[] doubles) implements Serializable {
    static Values of(INDArray a) {
        INDArray c = a.dup('c');
        return a.dataType() == DataType.DOUBLE
                ? new Values(a.shape(), null, c.data().asDouble())
                : new Values(a.shape(), c.data().asFloat(), null);
    }

    INDArray toArray() {
        return (doubles != null ? Nd4j.createFromArray(doubles) : Nd4j.createFromArray(floats)).reshape('c', shape);
    }

    long size() {
        return doubles != null ? doubles.length : floats.length;
    }
}
