package dev.lora.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The additive causal mask for {@code rows} queries at positions start..start+rows-1 over
 * {@code cols} keys at positions 0..cols-1, flattened to one row so it can be added to every
 * [rows, cols] score matrix of a [B*H, rows*cols] view with a single row-vector broadcast.
 */
final class CausalMask {
    private CausalMask() {
    }

    static INDArray flat(int rows, int cols, int start, DataType type) {
        double[] m = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = start + i + 1; j < cols; j++) m[i * cols + j] = Double.NEGATIVE_INFINITY;
        }
        return Nd4j.createFromArray(m).castTo(type).reshape(1, (long) rows * cols);
    }
}
