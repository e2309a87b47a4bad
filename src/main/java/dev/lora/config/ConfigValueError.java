package dev.lora.config;

import dev.lora.io.InputError;

/**
 * A config value that is out of range, thrown by the config records themselves. It carries the dotted
 * key so that {@link ConfigLoader} can re-throw it with the file and line the value came from; code that
 * builds records directly (tests, the trainer) still gets an {@link InputError} that names the key.
 */
public final class ConfigValueError extends InputError {
    private final String key;

    public ConfigValueError(String key, String message) {
        super(message);
        this.key = key;
    }

    /** Dotted key at fault, e.g. {@code lora.r}. */
    public String key() {
        return key;
    }
}
