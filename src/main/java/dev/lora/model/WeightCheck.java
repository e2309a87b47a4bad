package dev.lora.model;

import dev.lora.io.InputError;
import dev.lora.io.Tensor;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code --check-weights}: refuses weights holding NaN or infinity. Such a file loads and even trains,
 * but every loss is then NaN (or the run diverges at once), which looks like a bug of the trainer rather
 * than of the file; a scan is cheap next to a forward pass, so it names the tensor up front.
 */
public final class WeightCheck {
    private WeightCheck() {
    }

    /** Throws an InputError naming {@code source} and the first tensor (in map order) with a non-finite value. */
    public static void scan(Map<String, Tensor> tensors, Path source) {
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            float[] values = e.getValue().data();
            int first = -1;
            long bad = 0;
            for (int i = 0; i < values.length; i++) {
                if (!Float.isFinite(values[i])) {
                    if (first < 0) first = i;
                    bad++;
                }
            }
            if (first >= 0) {
                long[] shape = e.getValue().shape();
                throw new InputError(source + ": tensor '" + e.getKey() + "' " + Arrays.toString(shape) + " holds "
                        + bad + " non-finite value" + (bad == 1 ? "" : "s") + ", the first " + values[first]
                        + " at " + Arrays.toString(coordinates(first, shape)) + "; the weights are damaged (or were saved"
                        + " from a diverged run): download or convert them again");
            }
        }
    }

    /** Row-major coordinates of a flat index. */
    static long[] coordinates(long flat, long[] shape) {
        long[] at = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            at[d] = flat % shape[d];
            flat /= shape[d];
        }
        return at;
    }
}
