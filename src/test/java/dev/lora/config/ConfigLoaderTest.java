package dev.lora.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static dev.lora.config.TestConfigs.MINIMAL;
import static dev.lora.config.TestConfigs.load;
import static org.assertj.core.api.Assertions.assertThat;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private static final Path CWD = Path.of("").toAbsolutePath();

    @Test
    void minimalConfigGetsThePapersE2eDefaults() {
        RunConfig c = load(dir, MINIMAL);

        assertThat(c.model()).isEqualTo("gpt2");
        assertThat(c.data().valid()).isEmpty();
        assertThat(c.data().maxSeqLen()).isEqualTo(512);
        assertThat(c.lora()).isEqualTo(LoraSettings.DEFAULTS);
        assertThat(c.train()).isEqualTo(TrainSettings.DEFAULTS);

        // Pinned one by one so that a change to DEFAULTS is a deliberate, visible test change.
        LoraSettings l = c.lora();
        assertThat(l.r()).isEqualTo(4);
        assertThat(l.alpha()).isEqualTo(32.0);
        assertThat(l.scaling()).isEqualTo(8.0);
        assertThat(l.dropout()).isEqualTo(0.1);
        assertThat(l.targets()).containsExactly(LoraTarget.Q, LoraTarget.V);
        assertThat(l.bias()).isEqualTo(LoraBias.NONE);
        assertThat(l.init()).isEmpty();
        TrainSettings t = c.train();
        assertThat(t.batchSize()).isEqualTo(8);
        assertThat(t.gradAccum()).isEqualTo(1);
        assertThat(t.epochs()).isEqualTo(5);
        assertThat(t.maxSteps()).isEmpty();
        assertThat(t.lr()).isEqualTo(2e-4);
        assertThat(t.weightDecay()).isEqualTo(0.01);
        assertThat(t.beta1()).isEqualTo(0.9);
        assertThat(t.beta2()).isEqualTo(0.999);
        assertThat(t.eps()).isEqualTo(1e-6);
        assertThat(t.warmupSteps()).isEqualTo(500);
        assertThat(t.labelSmoothing()).isEqualTo(0.1);
        assertThat(t.clipNorm()).isEqualTo(0.0);
        assertThat(t.seed()).isEqualTo(110L);
        assertThat(t.shuffle()).isTrue();
        assertThat(t.logEvery()).isEqualTo(10);
        assertThat(t.evalEvery()).isZero();
        assertThat(t.saveEvery()).isZero();
        assertThat(t.saveTotalLimit()).isZero();
        assertThat(t.skipNonfinite()).isFalse();
        assertThat(t.dtype()).isEqualTo(ComputeDtype.FLOAT32);
    }

    @Test
    void readsEveryKeyFromYaml() throws Exception {
        RunConfig c = ConfigLoader.load(resource("full.yaml"));
        assertThat(c).isEqualTo(expectedFull());
    }

    @Test
    void jsonGivesTheSameConfigAsYaml() throws Exception {
        assertThat(ConfigLoader.load(resource("full.json"))).isEqualTo(ConfigLoader.load(resource("full.yaml")));
    }

    @Test
    void extensionIsCaseInsensitiveAndYmlWorks() {
        Path file = TestConfigs.write(dir, "run.YML", MINIMAL);
        assertThat(ConfigLoader.load(file).model()).isEqualTo("gpt2");
    }

    @Test
    void relativePathsResolveAgainstTheWorkingDirectory() {
        RunConfig c = load(dir, """
                model: gpt2
                output: runs/x/../y
                data:
                  train: data/e2e/train.txt
                  valid: data/e2e/valid.txt
                lora:
                  init: adapters/a
                """);
        assertThat(c.output()).isEqualTo(CWD.resolve("runs/y"));
        assertThat(c.data().train()).isEqualTo(CWD.resolve("data/e2e/train.txt"));
        assertThat(c.data().valid()).contains(CWD.resolve("data/e2e/valid.txt"));
        assertThat(c.lora().init()).contains(CWD.resolve("adapters/a"));
    }

    @Test
    void absolutePathsAreKept() {
        RunConfig c = load(dir, "model: gpt2\noutput: " + dir.resolve("o") + "\ndata:\n  train: " + dir.resolve("t")
                + "\n");
        assertThat(c.output()).isEqualTo(dir.resolve("o"));
        assertThat(c.data().train()).isEqualTo(dir.resolve("t"));
    }

    @Test
    void modelThatIsAnExistingRelativeFolderBecomesAbsolute() throws IOException {
        Path target = Files.createDirectories(Path.of("target"));
        Path folder = Files.createTempDirectory(target, "model-");
        try {
            assertThat(folder.isAbsolute()).isFalse();
            RunConfig c = load(dir, MINIMAL.replace("model: gpt2", "model: " + folder));
            assertThat(c.model()).isEqualTo(CWD.resolve(folder).normalize().toString());
        } finally {
            Files.delete(folder);
        }
    }

    @Test
    void modelThatIsNoFolderIsKeptAsAHubId() {
        assertThat(load(dir, MINIMAL.replace("model: gpt2", "model: openai-community/gpt2-medium")).model())
                .isEqualTo("openai-community/gpt2-medium");
    }

    @Test
    void nullMeansUnsetForOptionalAndDefaultForDefaultedKeys() {
        RunConfig c = load(dir, MINIMAL + """
                  valid: null
                  max_seq_len:
                lora:
                  init: ~
                train:
                  max_steps: null
                  lr:
                """);
        assertThat(c.data().valid()).isEmpty();
        assertThat(c.data().maxSeqLen()).isEqualTo(512);
        assertThat(c.lora().init()).isEmpty();
        assertThat(c.train().maxSteps()).isEmpty();
        assertThat(c.train().lr()).isEqualTo(2e-4);
    }

    @Test
    void emptySectionsMeanAllDefaults() {
        RunConfig c = load(dir, MINIMAL + "lora:\ntrain: {}\n");
        assertThat(c.lora()).isEqualTo(LoraSettings.DEFAULTS);
        assertThat(c.train()).isEqualTo(TrainSettings.DEFAULTS);
    }

    @Test
    void yamlNumberSpellingsAndQuotedScalarsAreAccepted() {
        RunConfig c = load(dir, MINIMAL + """
                lora:
                  r: "8"
                  alpha: 16
                  targets: [Q, attn_proj]
                  bias: LORA_ONLY
                train:
                  lr: 1e-4
                  eps: "1.0E-8"
                  max_steps: 1_000
                  shuffle: "false"
                  dtype: float64
                """);
        assertThat(c.lora().r()).isEqualTo(8);
        assertThat(c.lora().alpha()).isEqualTo(16.0);
        assertThat(c.lora().targets()).containsExactly(LoraTarget.Q, LoraTarget.ATTN_PROJ);
        assertThat(c.lora().bias()).isEqualTo(LoraBias.LORA_ONLY);
        assertThat(c.train().lr()).isEqualTo(1e-4);
        assertThat(c.train().eps()).isEqualTo(1e-8);
        assertThat(c.train().maxSteps()).hasValue(1000);
        assertThat(c.train().shuffle()).isFalse();
        assertThat(c.train().dtype()).isEqualTo(ComputeDtype.FLOAT64);
    }

    @Test
    void maxStepsIsKeptAlongsideEpochs() {
        TrainSettings t = load(dir, MINIMAL + "train:\n  epochs: 3\n  max_steps: 200\n").train();
        assertThat(t.epochs()).isEqualTo(3);
        assertThat(t.maxSteps()).isEqualTo(OptionalInt.of(200));
    }

    /** What full.yaml and full.json both hold: every key, none at its default. */
    static RunConfig expectedFull() {
        Path cwd = Path.of("").toAbsolutePath();
        return new RunConfig("gpt2-medium", cwd.resolve("runs/full"),
                new DataConfig(cwd.resolve("data/e2e/train.txt"), Optional.of(cwd.resolve("data/e2e/valid.txt")),
                        256),
                new LoraSettings(8, 16, 0.05, List.of(LoraTarget.Q, LoraTarget.K, LoraTarget.V, LoraTarget.MLP_FC),
                        LoraBias.LORA_ONLY, Optional.of(cwd.resolve("runs/previous/adapter"))),
                RecordValues.build(TrainSettings.class, Map.ofEntries(Map.entry("batchSize", 4),
                        Map.entry("gradAccum", 2), Map.entry("epochs", 3), Map.entry("maxSteps", OptionalInt.of(1000)),
                        Map.entry("lr", 1e-4), Map.entry("weightDecay", 0.0), Map.entry("beta1", 0.8),
                        Map.entry("beta2", 0.99), Map.entry("eps", 1e-8), Map.entry("warmupSteps", 100),
                        Map.entry("labelSmoothing", 0.0), Map.entry("clipNorm", 1.0), Map.entry("seed", 42L),
                        Map.entry("shuffle", false), Map.entry("groupByLength", false), Map.entry("logEvery", 5),
                        Map.entry("evalEvery", 200), Map.entry("saveEvery", 400), Map.entry("saveTotalLimit", 3),
                        Map.entry("keepBest", false), Map.entry("skipNonfinite", true),
                        Map.entry("maxSkippedSteps", 10), Map.entry("dtype", ComputeDtype.FLOAT64))));
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(ConfigLoaderTest.class.getResource("/config/" + name).toURI());
    }
}
