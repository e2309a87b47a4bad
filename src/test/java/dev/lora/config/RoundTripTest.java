package dev.lora.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static dev.lora.config.TestConfigs.MINIMAL;
import static org.assertj.core.api.Assertions.assertThat;

/** toYaml() must load back to an equal config: the trainer saves it as OUTPUT/config.yaml for reruns. */
class RoundTripTest {
    @TempDir
    Path dir;

    private RunConfig reload(RunConfig c) {
        return ConfigLoader.load(TestConfigs.write(dir, "saved.yaml", c.toYaml()));
    }

    @Test
    void defaultsSurviveTheRoundTrip() {
        RunConfig c = TestConfigs.load(dir, MINIMAL);
        assertThat(reload(c)).isEqualTo(c);
    }

    @Test
    void everyNonDefaultValueSurvivesTheRoundTrip() {
        RunConfig c = ConfigLoaderTest.expectedFull();
        assertThat(reload(c)).isEqualTo(c);
    }

    @Test
    void awkwardStringsAndNumbersSurvive() {
        Path cwd = Path.of("").toAbsolutePath();
        for (String model : List.of("null", "yes", "1.5", "0x10", "-x", "a: b", "q\"uote\\d", "#hash", "~", ".inf",
                "has space", "ünïcode")) {
            RunConfig c = new RunConfig(model, dir.resolve("out dir/with: colon"),
                    new DataConfig(dir.resolve("#train.txt"), Optional.empty(), 2),
                    new LoraSettings(1, 1e-9, 0.0, List.of(LoraTarget.WTE), LoraBias.ALL, Optional.of(cwd)),
                    new TrainSettings(1, 1, 1, OptionalInt.of(Integer.MAX_VALUE), 123456.789, 1e20, 0.0,
                            0.999999999, 3e-12, 0, 0.3333333333333333, 1e-5, Long.MIN_VALUE, true, true, 1, 0, 0, 0, true, false, 1,
                            ComputeDtype.FLOAT32));
            assertThat(reload(c)).as(model).isEqualTo(c);
        }
    }

    @Test
    void everySchemaKeyIsWrittenOnce() {
        String yaml = ConfigLoaderTest.expectedFull().toYaml();
        for (String key : ConfigSchema.TOP_LEVEL) assertThat(yaml).containsOnlyOnce("\n" + key + ":");
        for (Map.Entry<String, List<String>> section : ConfigSchema.SECTIONS.entrySet()) {
            for (String key : section.getValue()) assertThat(yaml).as(section.getKey() + "." + key)
                    .contains("\n  " + key + ": ");
        }
    }

    @Test
    void yamlIsReadable() {
        String yaml = TestConfigs.load(dir, MINIMAL).toYaml();
        assertThat(yaml).startsWith("# lora run config")
                .contains("\nmodel: gpt2\n", "  targets: [q, v]\n", "  lr: 0.0002\n", "  eps: 1.0e-6\n",
                        "  betas: [0.9, 0.999]\n", "  alpha: 32\n", "  valid: null\n", "  max_steps: null\n",
                        "  bias: none\n", "  dtype: float32\n");
    }

    @Test
    void jsonLoadedConfigRoundTripsThroughYaml() throws Exception {
        RunConfig c = ConfigLoader.load(ConfigLoaderTest.resource("full.json"));
        assertThat(reload(c)).isEqualTo(c);
    }
}
