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
                    RecordValues.build(TrainSettings.class, Map.ofEntries(Map.entry("batchSize", 1),
                            Map.entry("gradAccum", 1), Map.entry("epochs", 1),
                            Map.entry("maxSteps", OptionalInt.of(Integer.MAX_VALUE)), Map.entry("lr", 123456.789),
                            Map.entry("weightDecay", 1e20), Map.entry("beta1", 0.0), Map.entry("beta2", 0.999999999),
                            Map.entry("eps", 3e-12), Map.entry("warmupSteps", 0),
                            Map.entry("labelSmoothing", 0.3333333333333333), Map.entry("clipNorm", 1e-5),
                            Map.entry("seed", Long.MIN_VALUE), Map.entry("shuffle", true),
                            Map.entry("groupByLength", true), Map.entry("logEvery", 1), Map.entry("evalEvery", 0),
                            Map.entry("saveEvery", 0), Map.entry("saveTotalLimit", 0), Map.entry("keepBest", true),
                            Map.entry("skipNonfinite", false), Map.entry("maxSkippedSteps", 1),
                            Map.entry("dtype", ComputeDtype.FLOAT32))));
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
