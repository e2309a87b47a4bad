package dev.lora.config;

import org.nd4j.linalg.api.buffer.DataType;

import java.util.Locale;
import java.util.Optional;

/** Floating-point type the trainer computes in; float64 exists for gradient checks, float32 for real runs. */
public enum ComputeDtype {
    FLOAT32,
    FLOAT64;

    /** ND4J's type for it. */
    public DataType nd4j() {
        return this == FLOAT64 ? DataType.DOUBLE : DataType.FLOAT;
    }

    /** The name used in config files: float32, float64. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The common spellings, in configs and on every command line: float32, f32, fp32, float; float64, f64, fp64, double. */
    public static Optional<ComputeDtype> fromName(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "float32", "f32", "fp32", "float" -> Optional.of(FLOAT32);
            case "float64", "f64", "fp64", "double" -> Optional.of(FLOAT64);
            default -> Optional.empty();
        };
    }

    /** As {@link #fromName}, or an error for the option {@code option} naming the choices. */
    public static ComputeDtype parse(String option, String text) {
        return fromName(text).orElseThrow(() -> new dev.lora.io.InputError(option + " must be float32 or float64 (also f32, fp32, "
                + "f64, fp64, double), got '" + text + "'"));
    }
}
