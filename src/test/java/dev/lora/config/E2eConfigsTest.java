package dev.lora.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** configs/e2e-*.yaml: they load, and they hold the LoRA paper's E2E hyperparameters (Table 11). */
class E2eConfigsTest {
    /** Maven runs tests from the project root, the folder the configs' relative paths are meant for. */
    private static final Path ROOT = Path.of("").toAbsolutePath();

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "gpt2-medium", "gpt2-large"})
    void loadsWithThePapersE2eSetup(String model) {
        RunConfig c = ConfigLoader.load(Path.of("configs", "e2e-" + model + ".yaml"));

        assertThat(c.model()).isEqualTo(model);
        assertThat(c.output()).isEqualTo(ROOT.resolve("runs/e2e-" + model));
        assertThat(c.data().train()).isEqualTo(ROOT.resolve("data/e2e/train.txt"));
        assertThat(c.data().valid()).contains(ROOT.resolve("data/e2e/valid.txt"));
        assertThat(c.data().maxSeqLen()).isEqualTo(512);
        assertThat(c.lora()).isEqualTo(LoraSettings.DEFAULTS);
        // Same as the defaults except microsoft/LoRA's logging, evaluation and checkpoint cadence.
        assertThat(c.train()).isEqualTo(RecordValues.with(TrainSettings.DEFAULTS,
                Map.of("logEvery", 100, "evalEvery", 2000, "saveEvery", 1000)));
        assertThat(c.train().lr()).isEqualTo(2e-4);
        assertThat(c.train().batchSize()).isEqualTo(8);
        assertThat(c.train().epochs()).isEqualTo(5);
        assertThat(c.train().warmupSteps()).isEqualTo(500);
        assertThat(c.train().weightDecay()).isEqualTo(0.01);
        assertThat(c.train().labelSmoothing()).isEqualTo(0.1);
        assertThat(c.lora().r()).isEqualTo(4);
        assertThat(c.lora().alpha()).isEqualTo(32.0);
        assertThat(c.lora().dropout()).isEqualTo(0.1);
        assertThat(c.lora().targets()).containsExactly(LoraTarget.Q, LoraTarget.V);
    }
}
