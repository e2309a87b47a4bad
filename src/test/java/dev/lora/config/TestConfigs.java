package dev.lora.config;

import dev.lora.io.InputError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Writes config text to a temp folder and loads it, so each test shows its YAML and line numbers inline. */
final class TestConfigs {
    private TestConfigs() {
    }

    /** The smallest valid config: four lines, so keys appended after it start on line 5. */
    static final String MINIMAL = """
            model: gpt2
            output: out
            data:
              train: train.txt
            """;

    static Path write(Path dir, String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RunConfig load(Path dir, String yaml, String... overrides) {
        return ConfigLoader.load(write(dir, "run.yaml", yaml), List.of(overrides));
    }

    /** The one-line message of the InputError that loading must throw. */
    static String errorIn(Path dir, String name, String text, String... overrides) {
        Path file = write(dir, name, text);
        String[] message = new String[1];
        assertThatThrownBy(() -> ConfigLoader.load(file, List.of(overrides)))
                .isInstanceOf(InputError.class)
                .satisfies(e -> message[0] = e.getMessage());
        return message[0];
    }

    static String error(Path dir, String yaml, String... overrides) {
        return errorIn(dir, "run.yaml", yaml, overrides);
    }

    /** The "FILE:LINE: " prefix InputError.at gives an error in run.yaml at that line. */
    static String at(Path dir, int line) {
        return dir.resolve("run.yaml") + ":" + line + ": ";
    }
}
