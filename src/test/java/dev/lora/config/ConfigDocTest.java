package dev.lora.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/config.md's key tables are ConfigKeys' tables, row for row (key, default, meaning), so the reference
 * cannot fall behind or disagree with what the loader reads. On a change, paste {@code ConfigKeys.docTable}'s
 * output for the section into the doc.
 */
class ConfigDocTest {
    @Test
    void everySectionsTableIsTheKeyTables() throws IOException {
        String doc = Files.readString(Path.of("docs/config.md"));
        List<String> sections = new ArrayList<>(List.of(""));
        sections.addAll(ConfigKeys.sectionNames());
        for (String section : sections) {
            assertThat(doc).as("docs/config.md's table for '%s'", section)
                    .contains("\n\n" + ConfigKeys.docTable(section) + "\n");
        }
    }

    @Test
    void everySchemaKeyIsInTheTable() {
        for (String top : ConfigSchema.TOP_LEVEL) {
            List<String> keys = ConfigSchema.keysAt(top);
            if (keys.isEmpty()) {
                assertThat(ConfigKeys.ALL).as(top).anyMatch(k -> k.path().equals(top));
            } else {
                for (String key : keys) assertThat(ConfigKeys.ALL).as(top + "." + key)
                        .anyMatch(k -> k.path().equals(top + "." + key));
            }
        }
    }
}
