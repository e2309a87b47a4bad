package dev.lora.config;

import dev.lora.io.InputError;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.Locale;
import java.util.Optional;

/**
 * Floating-point type the trainer computes in: float64 for gradient checks, float32 for real runs, and bfloat16
 * mixed precision as PyTorch's CPU autocast (the frozen weights held in bfloat16, the frozen model's products on
 * bfloat16 operands accumulated in float32; adapters, optimiser state, norms, softmax and the residual stream in
 * float32).
 */
public enum ComputeDtype {
    FLOAT32,
    FLOAT64,
    BFLOAT16;

    /**
     * ND4J's type for it, as the model loader takes it: BFLOAT16 asks for bfloat16 frozen weights and float32
     * activations (see {@code model.Gpt2Weights}).
     */
    public DataType nd4j() {
        return switch (this) {
            case FLOAT32 -> DataType.FLOAT;
            case FLOAT64 -> DataType.DOUBLE;
            case BFLOAT16 -> DataType.BFLOAT16;
        };
    }

    /** The name used in config files: float32, float64, bfloat16. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The common spellings, in configs and on every command line: float32, f32, fp32, float; float64, f64, fp64,
     * double; bfloat16, bf16.
     */
    public static Optional<ComputeDtype> fromName(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "float32", "f32", "fp32", "float" -> Optional.of(FLOAT32);
            case "float64", "f64", "fp64", "double" -> Optional.of(FLOAT64);
            case "bfloat16", "bf16" -> Optional.of(BFLOAT16);
            default -> Optional.empty();
        };
    }

    /** As {@link #fromName}, or an error for the option {@code option} naming the choices. */
    public static ComputeDtype parse(String option, String text) {
        return fromName(text).orElseThrow(() -> new InputError(option + " must be float32, float64 or bfloat16 (also f32,"
                + " fp32, f64, fp64, double, bf16), got '" + text + "'"));
    }
}
