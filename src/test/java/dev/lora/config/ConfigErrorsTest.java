package dev.lora.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.stream.Stream;

import static dev.lora.config.TestConfigs.MINIMAL;
import static dev.lora.config.TestConfigs.at;
import static dev.lora.config.TestConfigs.error;
import static dev.lora.config.TestConfigs.errorIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Every rejected config: the one-line message must name the file and line, the key, and what to write. */
class ConfigErrorsTest {
    @TempDir
    Path dir;

    // ---- unknown keys ---------------------------------------------------------------------------------

    static Stream<Arguments> unknownKeys() {
        return Stream.of(
                // key under section, written key, expected suggestion
                arguments("train", "learning_rate", "train.lr"),
                arguments("train", "bach_size", "train.batch_size"),
                arguments("train", "warmup", "train.warmup_steps"),
                arguments("train", "max_grad_norm", "train.clip_norm"),
                arguments("train", "gradient_accumulation_steps", "train.grad_accum"),
                arguments("train", "r", "lora.r"),
                arguments("lora", "lora_alpha", "lora.alpha"),
                arguments("lora", "rank", "lora.r"),
                arguments("lora", "target_modules", "lora.targets"),
                arguments("lora", "alpah", "lora.alpha"),
                arguments("data", "seq_len", "data.max_seq_len"),
                arguments("data", "validation", "data.valid"));
    }

    @ParameterizedTest(name = "{0}.{1} -> {2}")
    @MethodSource("unknownKeys")
    void unknownKeyNamesFullPathLineAndSuggestion(String section, String key, String suggestion) {
        String yaml = section.equals("data") ? MINIMAL + "  " + key + ": 1\n"
                : MINIMAL + section + ":\n  " + key + ": 1\n";
        int line = section.equals("data") ? 5 : 6;
        assertThat(error(dir, yaml)).isEqualTo(at(dir, line) + "unknown key '" + section + "." + key
                + "'; did you mean '" + suggestion + "'?");
    }

    @Test
    void unknownTopLevelKeyPointsToItsSection() {
        assertThat(error(dir, MINIMAL + "lr: 1e-4\n"))
                .isEqualTo(at(dir, 5) + "unknown key 'lr'; did you mean 'train.lr'?");
    }

    @Test
    void unknownKeyWithNothingCloseListsTheValidKeys() {
        assertThat(error(dir, MINIMAL + "lora:\n  r: 4\n  flavour: mint\n"))
                .isEqualTo(at(dir, 7) + "unknown key 'lora.flavour'; valid keys under 'lora':"
                        + " r, alpha, dropout, targets, bias, init");
    }

    @Test
    void misspeltSectionIsReportedAsUnknownNotAsMissingData() {
        String yaml = "model: gpt2\noutput: out\ndta:\n  train: t.txt\n";
        assertThat(error(dir, yaml)).isEqualTo(at(dir, 3) + "unknown key 'dta'; did you mean 'data'?");
    }

    @Test
    void unknownKeyInJsonHasItsLineToo() {
        String json = """
                {
                  "model": "gpt2",
                  "output": "out",
                  "data": {"train": "t.txt"},
                  "train": {
                    "learning_rate": 0.001
                  }
                }
                """;
        assertThat(errorIn(dir, "run.json", json)).isEqualTo(dir.resolve("run.json") + ":6: "
                + "unknown key 'train.learning_rate'; did you mean 'train.lr'?");
    }

    // ---- wrong types ---------------------------------------------------------------------------------

    static Stream<Arguments> wrongTypes() {
        return Stream.of(
                arguments("lora:\n  r: four\n", 6, "lora.r must be an integer, got the string 'four'"),
                arguments("lora:\n  r: 4.5\n", 6, "lora.r must be an integer, got the number 4.5"),
                arguments("lora:\n  alpha: big\n", 6, "lora.alpha must be a finite number, got the string 'big'"),
                arguments("lora:\n  targets: q\n", 6,
                        "lora.targets must be a list of q, k, v, attn_proj, mlp_fc, mlp_proj, wte, e.g. [q, v],"
                                + " got the string 'q'"),
                arguments("lora:\n  targets: [q, 3]\n", 6, "lora.targets must list names"),
                arguments("lora:\n  bias: some\n", 6,
                        "lora.bias: 'some' is not allowed; use one of none, all, lora_only"),
                arguments("lora:\n  bias: [none]\n", 6, "lora.bias must be one of none, all, lora_only, got a list of 1"),
                arguments("train:\n  betas: [0.9]\n", 6,
                        "train.betas must be a list of 2 numbers, e.g. [0.9, 0.999], got a list of 1"),
                arguments("train:\n  betas: 0.9\n", 6, "train.betas must be a list of 2 numbers"),
                arguments("train:\n  betas: [0.9, high]\n", 6, "train.betas must be a finite number, got the string 'high'"),
                arguments("train:\n  lr: fast\n", 6, "train.lr must be a finite number, got the string 'fast'"),
                arguments("train:\n  lr: .inf\n", 6, "train.lr must be a finite number, got the number .inf"),
                arguments("train:\n  lr: [1]\n", 6, "train.lr must be a finite number, got a list of 1"),
                arguments("train:\n  shuffle: maybe\n", 6, "train.shuffle must be true or false, got the string 'maybe'"),
                arguments("train:\n  seed: 1.5\n", 6, "train.seed must be an integer"),
                arguments("train:\n  epochs: 99999999999\n", 6, "train.epochs = 99999999999 is too large"),
                arguments("train:\n  dtype: float16\n", 6,
                        "train.dtype: 'float16' is not allowed; use one of float32, float64, bfloat16"),
                arguments("train: 5\n", 5, "train must be a section of keys (batch_size, grad_accum,"),
                arguments("lora: [q, v]\n", 5, "lora must be a section of keys (r, alpha, dropout"),
                arguments("  valid: {a: 1}\n", 5, "data.valid must be a string, got a section of keys"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("wrongTypes")
    void wrongTypeNamesKeyLineExpectedTypeAndValue(String tail, int line, String expected) {
        assertThat(error(dir, MINIMAL + tail)).startsWith(at(dir, line) + expected);
    }

    @Test
    void badListElementIsReportedOnItsOwnLine() {
        String yaml = MINIMAL + "lora:\n  targets:\n    - q\n    - query\n";
        assertThat(error(dir, yaml)).isEqualTo(at(dir, 8) + "lora.targets: 'query' is not allowed; use one of"
                + " q, k, v, attn_proj, mlp_fc, mlp_proj, wte");
        assertThat(error(dir, MINIMAL + "lora:\n  targets: [q, vv]\n")).endsWith("; did you mean 'v'?");
    }

    // ---- ranges ---------------------------------------------------------------------------------------

    static Stream<Arguments> outOfRange() {
        return Stream.of(
                arguments("lora", "r", "0", "lora.r = 0 is out of range; it must be an integer >= 1"),
                arguments("lora", "r", "-2", "lora.r = -2 is out of range; it must be an integer >= 1"),
                arguments("lora", "alpha", "0", "lora.alpha = 0 is out of range; it must be a finite number > 0"),
                arguments("lora", "dropout", "1.0", "lora.dropout = 1 is out of range; it must be a number in [0, 1)"),
                arguments("lora", "dropout", "-0.1", "lora.dropout = -0.1 is out of range; it must be a number in [0, 1)"),
                arguments("train", "lr", "0", "train.lr = 0 is out of range; it must be a finite number > 0"),
                arguments("train", "lr", "-1e-4", "train.lr = -0.0001 is out of range; it must be a finite number > 0"),
                arguments("train", "batch_size", "0", "train.batch_size = 0 is out of range; it must be an integer >= 1"),
                arguments("train", "grad_accum", "0", "train.grad_accum = 0 is out of range; it must be an integer >= 1"),
                arguments("train", "epochs", "0", "train.epochs = 0 is out of range; it must be an integer >= 1"),
                arguments("train", "max_steps", "0", "train.max_steps = 0 is out of range; it must be an integer >= 1"),
                arguments("train", "weight_decay", "-0.01",
                        "train.weight_decay = -0.01 is out of range; it must be a finite number >= 0"),
                arguments("train", "betas", "[0.9, 1.0]", "train.betas = 1 is out of range; it must be a number in [0, 1)"),
                arguments("train", "betas", "[-0.1, 0.9]",
                        "train.betas = -0.1 is out of range; it must be a number in [0, 1)"),
                arguments("train", "eps", "0", "train.eps = 0 is out of range; it must be a finite number > 0"),
                arguments("train", "warmup_steps", "-1",
                        "train.warmup_steps = -1 is out of range; it must be an integer >= 0"),
                arguments("train", "label_smoothing", "1",
                        "train.label_smoothing = 1 is out of range; it must be a number in [0, 1)"),
                arguments("train", "clip_norm", "-1", "train.clip_norm = -1 is out of range; it must be a finite number >= 0"),
                arguments("train", "log_every", "0", "train.log_every = 0 is out of range; it must be an integer >= 1"),
                arguments("train", "eval_every", "-1", "train.eval_every = -1 is out of range; it must be an integer >= 0"),
                arguments("train", "save_every", "-1", "train.save_every = -1 is out of range; it must be an integer >= 0"),
                arguments("train", "save_total_limit", "-1",
                        "train.save_total_limit = -1 is out of range; it must be an integer >= 0"));
    }

    @ParameterizedTest(name = "{0}.{1} = {2}")
    @MethodSource("outOfRange")
    void outOfRangeNamesKeyValueLineAndAllowedRange(String section, String key, String value, String expected) {
        // A filler key first, so the line checked is the key's own, not the section's.
        String filler = section.equals("lora") ? "  bias: none\n" : "  shuffle: true\n";
        String yaml = MINIMAL + section + ":\n" + filler + "  " + key + ": " + value + "\n";
        assertThat(error(dir, yaml)).isEqualTo(at(dir, 7) + expected);
    }

    @Test
    void maxSeqLenMustBePositive() {
        assertThat(error(dir, MINIMAL + "  max_seq_len: 0\n"))
                .isEqualTo(at(dir, 5) + "data.max_seq_len = 0 is out of range; it must be an integer >= 2");
    }

    @Test
    void targetsMustBeNonEmptyAndUnique() {
        assertThat(error(dir, MINIMAL + "lora:\n  targets: []\n")).isEqualTo(at(dir, 6)
                + "lora.targets is empty; list at least one of q, k, v, attn_proj, mlp_fc, mlp_proj, wte, e.g. [q, v]");
        assertThat(error(dir, MINIMAL + "lora:\n  targets: [q, v, q]\n"))
                .isEqualTo(at(dir, 6) + "lora.targets lists 'q' twice; list each target once");
    }

    // ---- required keys and file-level problems ---------------------------------------------------------

    @Test
    void missingRequiredKeysSayWhatToAdd() {
        assertThat(error(dir, "output: out\ndata:\n  train: t.txt\n")).isEqualTo(dir.resolve("run.yaml")
                + ": missing required key 'model'; add it, e.g. model: gpt2-medium (a hub id or a model folder)");
        assertThat(error(dir, "model: gpt2\ndata:\n  train: t.txt\n"))
                .contains("missing required key 'output'; add it, e.g. output: ");
        assertThat(error(dir, "model: gpt2\noutput: out\n"))
                .contains("missing required key 'data.train'; add it under data:, e.g. train: data/e2e/train.txt");
        // Inside a present section the error points at the section's line.
        assertThat(error(dir, "model: gpt2\noutput: out\ndata:\n  valid: v.txt\n"))
                .startsWith(at(dir, 3) + "missing required key 'data.train'");
    }

    @Test
    void emptyStringsAreRejected() {
        assertThat(error(dir, MINIMAL.replace("model: gpt2", "model: ''")))
                .isEqualTo(at(dir, 1) + "model must not be empty");
        assertThat(error(dir, MINIMAL.replace("output: out", "output: \"\"")))
                .isEqualTo(at(dir, 2) + "output must not be empty; give a path");
    }

    @Test
    void duplicateKeyNamesBothLines() {
        assertThat(error(dir, MINIMAL + "train:\n  lr: 1e-4\n  epochs: 2\n  lr: 2e-4\n"))
                .isEqualTo(at(dir, 8) + "duplicate key 'train.lr' (first on line 6); keep only one");
    }

    @Test
    void malformedYamlIsOneLineWithItsLine() {
        String message = error(dir, MINIMAL + "lora:\n  targets: [q, v\n");
        assertThat(message).startsWith(dir.resolve("run.yaml") + ":").contains("not valid YAML: ").doesNotContain("\n");
    }

    @Test
    void malformedJsonHasItsLine() {
        String message = errorIn(dir, "run.json", "{\n  \"model\": \"gpt2\",\n  \"output\": \n}\n");
        assertThat(message).startsWith(dir.resolve("run.json") + ":4: not valid JSON: ").doesNotContain("\n");
    }

    @Test
    void fileLevelProblems() {
        assertThat(errorIn(dir, "run.toml", "model = 'gpt2'\n")).isEqualTo(dir.resolve("run.toml")
                + ": unsupported config format (extension '.toml'); name the file *.yaml, *.yml or *.json");
        assertThat(error(dir, "")).isEqualTo(dir.resolve("run.yaml")
                + ": config file is empty; it needs at least model, output and data.train");
        assertThat(error(dir, "- model: gpt2\n")).isEqualTo(at(dir, 1) + "the top level must be a mapping of keys"
                + " (model, output, data, lora, train), got a list of 1");
        assertThat(error(dir, MINIMAL + "---\nmodel: gpt2\n"))
                .isEqualTo(at(dir, 6) + "holds more than one YAML document; keep a single one");
    }

    @Test
    void missingFileAndFolder() {
        Path missing = dir.resolve("nope.yaml");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigLoader.load(missing))
                .isInstanceOf(dev.lora.io.InputError.class).hasMessage(missing + ": config file not found");
        Path folder = dir.resolve("folder.yaml");
        org.assertj.core.api.Assertions.assertThatCode(() -> java.nio.file.Files.createDirectory(folder))
                .doesNotThrowAnyException();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigLoader.load(folder))
                .hasMessage(folder + ": is a folder, not a config file");
    }
}
