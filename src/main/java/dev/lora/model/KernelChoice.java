package dev.lora.model;

import dev.lora.io.InputError;
import dev.lora.model.kernels.Kernels;
import dev.lora.model.kernels.host.HostKernels;
import dev.lora.model.kernels.nd4j.Nd4jKernels;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Locale;

/**
 * Which kernels a model computes with: the backend's ({@code host} on ND4J's CPU backend, {@code nd4j} on any other) unless
 * LORA_KERNELS says, and on the host which library multiplies float32 matrices: OpenBLAS (float32's results bit for bit as
 * ever) unless LORA_FLOAT32_PRODUCTS says oneDNN, or the model holds bfloat16 weights, whose runs are mixed precision
 * anyway and whose LoRA products ran 17% faster a step through oneDNN (no second thread pool beside oneDNN's).
 */
public final class KernelChoice {
    private KernelChoice() {
    }

    /** The kernels the environment names, for a model of float32 or float64 weights. */
    public static Kernels fromEnvironment() {
        return named(System.getenv("LORA_KERNELS"), isCpuBackend(), System.getenv("LORA_FLOAT32_PRODUCTS"), false);
    }

    /** The kernels the environment names for a model of these weights. */
    public static Kernels forWeights(Gpt2Weights weights) {
        return named(System.getenv("LORA_KERNELS"), isCpuBackend(), System.getenv("LORA_FLOAT32_PRODUCTS"),
                weights.bfloat16Products());
    }

    private static boolean isCpuBackend() {
        return Nd4j.getBackend().getClass().getName().endsWith(".CpuBackend");
    }

    /** The kernels named by a LORA_KERNELS setting (host, nd4j, auto or unset) on a CPU backend or not. */
    public static Kernels named(String setting, boolean cpuBackend) {
        return named(setting, cpuBackend, null, false);
    }

    /**
     * The kernels named by LORA_KERNELS ({@code setting}: host, nd4j, auto or unset) on a CPU backend or not, with
     * float32 products as LORA_FLOAT32_PRODUCTS says ({@code float32}: openblas, onednn, auto or unset; auto is oneDNN
     * for a model of bfloat16 weights, OpenBLAS otherwise).
     */
    public static Kernels named(String setting, boolean cpuBackend, String float32, boolean bfloat16Weights) {
        String s = setting == null || setting.isBlank() ? "auto" : setting.strip().toLowerCase(Locale.ROOT);
        String f = float32 == null || float32.isBlank() ? "auto" : float32.strip().toLowerCase(Locale.ROOT);
        HostKernels.Float32Products products = switch (f) {
            case "auto" -> bfloat16Weights ? HostKernels.Float32Products.ONEDNN : HostKernels.Float32Products.OPENBLAS;
            case "openblas" -> HostKernels.Float32Products.OPENBLAS;
            case "onednn" -> HostKernels.Float32Products.ONEDNN;
            default -> throw new InputError("LORA_FLOAT32_PRODUCTS=" + float32 + " is not a choice; use openblas, onednn or auto"
                    + " (the default: oneDNN for a model of bfloat16 weights, OpenBLAS otherwise)");
        };
        Kernels kernels = switch (s) {
            case "auto" -> cpuBackend ? new HostKernels(products) : new Nd4jKernels();
            case "nd4j" -> new Nd4jKernels();
            case "host" -> {
                if (!cpuBackend) {
                    throw new InputError("LORA_KERNELS=host needs ND4J's CPU backend (the host loops read the arrays' memory);"
                            + " unset it or use nd4j on " + Nd4j.getBackend().getClass().getSimpleName());
                }
                yield new HostKernels(products);
            }
            default -> throw new InputError("LORA_KERNELS=" + setting + " is not a kernel choice; use host, nd4j or auto (the default: host"
                    + " on ND4J's CPU backend, nd4j on any other)");
        };
        if (f.equals("onednn") && !(kernels instanceof HostKernels)) {
            throw new InputError("LORA_FLOAT32_PRODUCTS=onednn needs the host kernels (the nd4j kernels multiply with ND4J's"
                    + " matmul); unset it or unset LORA_KERNELS");
        }
        return kernels;
    }
}
