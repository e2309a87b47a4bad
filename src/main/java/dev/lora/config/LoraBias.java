package dev.lora.config;

import java.util.Locale;

/** Which biases are trained alongside the LoRA matrices (loralib's {@code bias} argument). */
public enum LoraBias {
    /** No bias is trained (microsoft/LoRA's E2E setup). */
    NONE,
    /** Every bias in the model is trained. */
    ALL,
    /** Only the biases of layers that carry a LoRA update are trained. */
    LORA_ONLY;

    /** The name used in config files: none, all, lora_only. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
