package dev.lora.cli;

import dev.lora.eval.metrics.meteor.MeteorResources;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/** {@code --meteor-data} of score and eval (a mixin): where METEOR's data is. */
final class MeteorOption {
    @Option(names = "--meteor-data", paramLabel = "DIR",
            description = "METEOR 1.5's English data (english.words, english.synsets, english.exceptions, paraphrase-en.gz; "
                    + "eval reads it with --metrics e2e); default $" + MeteorResources.ENV + ", else data/meteor.")
    Path dir;

    /**
     * Loads once per command, before the inputs are read, so a folder named by the option or the environment that
     * does not exist fails at once. What is missing is said where the scores are computed ({@link MeteorResources#warning}).
     */
    MeteorResources load() {
        boolean explicit = dir != null || System.getenv(MeteorResources.ENV) != null;
        return MeteorResources.load(MeteorResources.location(Optional.ofNullable(dir)), explicit);
    }
}
