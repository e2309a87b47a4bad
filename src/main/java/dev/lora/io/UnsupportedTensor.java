package dev.lora.io;

import java.util.Arrays;

/**
 * A tensor in a PyTorch checkpoint whose element type lora does not hold (int64, bool, ...), e.g. a
 * step counter or token ids. It stands in the object tree where the tensor was, so callers can see
 * and report it; its data is never read.
 */
public record UnsupportedTensor(String name, String storageType, long[] shape) {
    public UnsupportedTensor withName(String newName) {
        return new UnsupportedTensor(newName, storageType, shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + ":" + storageType;
    }
}
