package dev.lora.cli;

import dev.lora.eval.metrics.MeteorResources;

import java.nio.file.Path;
import java.util.Optional;

/** {@code --meteor-data} of score and eval: where METEOR's data is. */
final class MeteorOption {
    private MeteorOption() {
    }

    /**
     * Loads once per command, before the inputs are read, so a folder named by the option or the environment that
     * does not exist fails at once. What is missing is said where the scores are computed ({@link MeteorResources#warning}).
     */
    static MeteorResources load(Path option) {
        boolean explicit = option != null || System.getenv(MeteorResources.ENV) != null;
        return MeteorResources.load(MeteorResources.location(Optional.ofNullable(option)), explicit);
    }
}
