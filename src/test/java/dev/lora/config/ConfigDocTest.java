package dev.lora.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/config.md has a row for every key the loader accepts, so the reference cannot fall behind the schema. */
class ConfigDocTest {
    @Test
    void everyKeyHasARow() throws IOException {
        String doc = Files.readString(Path.of("docs/config.md"));
        for (String top : ConfigSchema.TOP_LEVEL) {
            if (ConfigSchema.keysAt(top).isEmpty()) {
                assertThat(doc).as("row for %s", top).contains("| `" + top + "` |");
            } else {
                for (String key : ConfigSchema.keysAt(top)) assertThat(doc).as("row for %s.%s", top, key).contains("| `" + top + "." + key + "` |");
            }
        }
    }
}
