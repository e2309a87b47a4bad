package dev.lora.cli;

import dev.lora.model.KernelChoice;
import dev.lora.model.kernels.Kernels;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Starts ND4J's backend before a command computes, with its stderr captured: ND4J prints stack traces of
 * every backend it probes, so without a usable one (the CUDA build on a machine without a GPU) the user
 * would get pages of traces. Here that becomes one line; --debug or --verbose shows what was printed.
 */
final class ComputeBackend {
    private ComputeBackend() {
    }

    /** Thrown when no backend starts; the CLI prints the message alone and exits 1. */
    static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message);
        }
    }

    /** The kernels LORA_KERNELS chooses; a bad value is an InputError (one line, exit 2). */
    private static Kernels kernels() {
        return KernelChoice.fromEnvironment();
    }

    static void start(boolean verbose, boolean debug) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Throwable failure = null;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Nd4j.getBackend();
        } catch (Throwable t) {
            failure = t;
        } finally {
            System.setErr(err);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        if (verbose || failure != null && debug) err.print(printed);
        if (failure == null) {
            Kernels kernels = kernels();
            if (verbose) {
                LoggerFactory.getLogger(ComputeBackend.class).info("Kernels: {} (LORA_KERNELS={}; backend {})", kernels.name(),
                        System.getenv("LORA_KERNELS") == null ? "unset" : System.getenv("LORA_KERNELS"),
                        Nd4j.getBackend().getClass().getSimpleName());
            }
            return;
        }
        if (printed.contains("libcuda")) {
            throw new Unavailable("the CUDA backend cannot start: no NVIDIA driver (libcuda.so.1) on this machine; "
                    + "build the CPU backend instead with: mvn -DskipTests package");
        }
        throw new Unavailable("the ND4J compute backend cannot start (" + failure.getClass().getSimpleName()
                + "); rebuild with: mvn -DskipTests package, or run with --debug for details");
    }
}
