package dev.lora.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * configs/webnlg-*.yaml and configs/dart-*.yaml: they load, and hold the LoRA paper's Table 11 values for the task
 * (WebNLG as E2E; DART without weight decay, dropout or label smoothing) on microsoft/LoRA's JSON files.
 */
class NlgConfigsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();

    @ParameterizedTest(name = "{0}-{1}")
    @CsvSource({"webnlg, gpt2-medium, data/webnlg/train.json, data/webnlg/dev.json, 0.01, 0.1",
            "webnlg, gpt2-large, data/webnlg/train.json, data/webnlg/dev.json, 0.01, 0.1",
            "dart, gpt2-medium, data/dart/dart-v1.1.1-full-train.json, data/dart/dart-v1.1.1-full-dev.json, 0.0, 0.0",
            "dart, gpt2-large, data/dart/dart-v1.1.1-full-train.json, data/dart/dart-v1.1.1-full-dev.json, 0.0, 0.0"})
    void loadsWithThePapersSetup(String task, String model, String train, String valid, double weightDecay, double dropoutAndSmoothing) {
        RunConfig c = ConfigLoader.load(Path.of("configs", task + "-" + model + ".yaml"));
        assertThat(c.model()).isEqualTo(model);
        assertThat(c.output()).isEqualTo(ROOT.resolve("runs/" + task + "-" + model));
        assertThat(c.data().train()).isEqualTo(ROOT.resolve(train));
        assertThat(c.data().valid()).contains(ROOT.resolve(valid));
        assertThat(c.data().maxSeqLen()).isEqualTo(512);
        assertThat(c.train().lr()).isEqualTo(2e-4);
        assertThat(c.train().batchSize()).isEqualTo(8);
        assertThat(c.train().epochs()).isEqualTo(5);
        assertThat(c.train().warmupSteps()).isEqualTo(500);
        assertThat(c.train().weightDecay()).isEqualTo(weightDecay);
        assertThat(c.train().labelSmoothing()).isEqualTo(dropoutAndSmoothing);
        assertThat(c.lora().dropout()).isEqualTo(dropoutAndSmoothing);
        assertThat(c.lora().r()).isEqualTo(4);
        assertThat(c.lora().alpha()).isEqualTo(32.0);
        assertThat(c.lora().targets()).containsExactly(LoraTarget.Q, LoraTarget.V);
    }
}
