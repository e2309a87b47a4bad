package dev.lora.config;

import java.util.Locale;

/** Floating-point type the trainer computes in; float64 exists for gradient checks, float32 for real runs. */
public enum ComputeDtype {
    FLOAT32,
    FLOAT64;

    /** The name used in config files: float32, float64. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
