package dev.lora.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the training data is and how long a training sequence may be.
 *
 * @param train     training file (key {@code data.train}; required)
 * @param valid     validation file (key {@code data.valid}; optional)
 * @param maxSeqLen longest sequence in tokens, prompt and completion together (key {@code data.max_seq_len})
 */
public record DataConfig(Path train, Optional<Path> valid, int maxSeqLen) {
    public DataConfig {
        Checks.present("data.train", train);
        Objects.requireNonNull(valid, "valid (use Optional.empty())");
        // One context token to predict from and one completion token to learn: below 2 no example fits.
        Checks.atLeast("data.max_seq_len", maxSeqLen, 2);
    }
}
