package dev.lora.model;

import dev.lora.io.InputError;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Locale;

/**
 * The model's element-wise and per-row work, forward and backward side by side, behind one seam with two
 * implementations. {@link HostKernels}: fused Java loops over the arrays' own memory and direct OpenBLAS calls
 * (ND4J's CPU backend, where host memory is the only copy). {@link Nd4jKernels}: ND4J operations only, so on a
 * GPU backend the arrays stay on the device for the whole step. Layers call {@link #active()} and do not know
 * which runs. The choice is the backend's ({@code host} on the CPU backend, {@code nd4j} on any other) unless
 * {@code LORA_KERNELS=host|nd4j|auto} says otherwise; it is made once per process.
 */
public interface Kernels {
    /** "host" or "nd4j", as LORA_KERNELS names them and lora bench reports them. */
    String name();

    /** GELU's output and tanh(u), which the backward needs. */
    record GeluOut(INDArray y, INDArray t) {
    }

    GeluOut gelu(INDArray x);

    /** dL/dx from x, tanh(u) and dy (dy's memory may be reused). */
    INDArray geluBackward(INDArray x, INDArray t, INDArray dy);

    /** LayerNorm's output and what its backward needs: the normalised rows and 1/sqrt(var + eps) per row. */
    record LayerNormOut(INDArray y, INDArray xhat, INDArray rstd) {
    }

    LayerNormOut layerNorm(INDArray x, INDArray gain, INDArray bias, double eps);

    INDArray layerNormBackward(INDArray dy, INDArray xhat, INDArray rstd, INDArray gain);

    /** softmax(scale * scores) over the last dimension of dense [..., T, T] scores, causally masked, in place. */
    void causalSoftmax(INDArray scores, double scale);

    /** Its backward: dp (dense, same shape) becomes dL/dscores, given the probabilities p. */
    void causalSoftmaxBackward(INDArray dp, INDArray p, double scale);

    /** A chunk of loss rows: the summed label-smoothed cross-entropy and, when asked, dL/dlogits (may be logits' memory). */
    record LossOut(double sum, INDArray dLogits) {
    }

    LossOut lossRows(INDArray logits, int[] targets, int from, double smoothing, boolean gradient);

    /** y[i, :] += v for every row of dense y, in place. */
    void addRowVector(INDArray y, INDArray v);

    /**
     * Whether these kernels work on the arrays' host memory: matrix products call OpenBLAS on it ({@link Gemm}), the
     * key/value cache copies rows through it ({@link KvCache}), and loops read it ({@link Loops}). False: ND4J
     * operations only, and {@link Loops} refuses host access during a step.
     */
    boolean onHost();

    /**
     * Inverted-dropout masks, [rows, features] of 0 and 1/(1-p): row r's entries are drawn from a generator seeded by
     * {@code rowSeeds[r]} alone (LoraDropout derives it from the step, the LoRA input, the example and the position).
     */
    INDArray dropoutMask(long[] rowSeeds, int features, double p, DataType type);

    /** sqrt of the sum of squares over all the arrays (the global gradient norm), read from the device once. */
    double globalNorm(List<INDArray> arrays);

    /** Whether every value of every array is finite, read from the device once. */
    boolean allFinite(List<INDArray> arrays);

    /** The implementation this process uses. */
    static Kernels active() {
        return Choice.ACTIVE;
    }

    /** The implementation named by LORA_KERNELS (host, nd4j, auto or unset) on a CPU backend or not. */
    static Kernels choose(String setting, boolean cpuBackend) {
        String s = setting == null || setting.isBlank() ? "auto" : setting.strip().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "auto" -> cpuBackend ? new HostKernels() : new Nd4jKernels();
            case "nd4j" -> new Nd4jKernels();
            case "host" -> {
                if (!cpuBackend) {
                    throw new InputError("LORA_KERNELS=host needs ND4J's CPU backend (the host loops read the arrays' memory);"
                            + " unset it or use nd4j on " + Nd4j.getBackend().getClass().getSimpleName());
                }
                yield new HostKernels();
            }
            default -> throw new InputError("LORA_KERNELS=" + setting + " is not a kernel choice; use host, nd4j or auto (the default: host"
                    + " on ND4J's CPU backend, nd4j on any other)");
        };
    }

    /** Holds the process's choice, made at first use. */
    final class Choice {
        static final Kernels ACTIVE = choose(System.getenv("LORA_KERNELS"),
                Nd4j.getBackend().getClass().getName().endsWith(".CpuBackend"));

        private Choice() {
        }
    }
}
