package dev.lora.io;

import java.util.Arrays;

/**
 * A named tensor as stored on disk: row-major values, held as float whatever the stored dtype
 * (F16 and BF16 widen exactly; F64 is narrowed, which only weights written by other tools use).
 * {@code dtype} remembers the stored type so a writer can keep it.
 */
public record Tensor(String name, DType dtype, long[] shape, float[] data) {
    public Tensor {
        long n = numel(shape);
        if (n != data.length) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " needs " + n
                    + " values, got " + data.length);
        }
    }

    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    public Tensor withName(String newName) {
        return new Tensor(newName, dtype, shape, data);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + ":" + dtype;
    }
}
