package dev.lora.model;

import dev.lora.io.InputError;
import dev.lora.model.kernels.Kernels;
import dev.lora.model.kernels.host.HostKernels;
import dev.lora.model.kernels.nd4j.Nd4jKernels;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Locale;

/** Which kernels a model computes with: the backend's ({@code host} on ND4J's CPU backend, {@code nd4j} on any other) unless LORA_KERNELS says. */
public final class KernelChoice {
    private KernelChoice() {
    }

    /** The kernels LORA_KERNELS names (host, nd4j, auto or unset) for the ND4J backend this process runs. */
    public static Kernels fromEnvironment() {
        return named(System.getenv("LORA_KERNELS"), Nd4j.getBackend().getClass().getName().endsWith(".CpuBackend"));
    }

    /** The kernels named by a LORA_KERNELS setting (host, nd4j, auto or unset) on a CPU backend or not. */
    public static Kernels named(String setting, boolean cpuBackend) {
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
}
