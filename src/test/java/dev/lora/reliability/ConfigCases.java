package dev.lora.reliability;

import dev.lora.reliability.BadInput.Call;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.lora.reliability.Scratch.BASE_CONFIG;

/** Bad run configs and --set overrides given to {@code lora train}. */
final class ConfigCases {
    private ConfigCases() {
    }

    static List<String> train(Path config, String... more) {
        List<String> args = new ArrayList<>(List.of("train", config.toString()));
        args.addAll(List.of(more));
        return args;
    }

    /** The base config with one line changed; the message must name the file, that line and the key. */
    private static BadInput edit(String id, String problem, String from, String to, int line, String key) {
        return new BadInput(id, problem, s -> {
            if (!BASE_CONFIG.contains(from)) throw new IllegalStateException(id + ": no '" + from + "' in the base config");
            Path f = s.config(BASE_CONFIG.replace(from, to));
            return Call.of(train(f), f + ":" + line + ":", key);
        });
    }

    private static BadInput file(String id, String problem, String name, String text, String... mustName) {
        return new BadInput(id, problem, s -> {
            Path f = s.config(name, text, Scratch.MODEL, Scratch.DATA);
            List<String> names = new ArrayList<>(List.of(f.toString()));
            for (String n : mustName) names.add(n.replace("$FILE", f.toString()));
            return new Call(train(f), names);
        });
    }

    private static BadInput set(String id, String problem, String assignment, String... mustName) {
        return new BadInput(id, problem, s -> {
            List<String> names = new ArrayList<>(List.of("--set " + assignment));
            names.addAll(List.of(mustName));
            return new Call(train(s.config(BASE_CONFIG), "--set", assignment), names);
        });
    }

    static List<BadInput> all() {
        return List.of(
                new BadInput("config-not-found", "config file does not exist", s -> {
                    Path f = s.dir().resolve("missing.yaml");
                    return Call.of(train(f), f + ":");
                }),
                new BadInput("config-is-folder", "config path is a folder", s -> Call.of(train(s.dir()), s.dir() + ":")),
                file("config-empty", "config file is empty", "run.yaml", ""),
                file("config-unknown-extension", "config file is neither .yaml/.yml nor .json", "run.txt", BASE_CONFIG),
                file("config-yaml-syntax", "YAML syntax error (unclosed flow list)", "run.yaml",
                        BASE_CONFIG.replace("[q, v]", "[q, v"), "$FILE:"),
                file("config-json-syntax", "JSON syntax error (trailing comma)", "run.json",
                        "{\"model\": \"$MODEL\", \"output\": \"$OUT\",\n \"data\": {\"train\": \"$DATA\"},}\n", "$FILE:2:"),
                file("config-top-level-list", "top level is a list, not a mapping", "run.yaml", "- model\n- output\n", "$FILE:1:"),
                file("config-two-documents", "two YAML documents in one file", "run.yaml", BASE_CONFIG + "---\nmodel: gpt2\n",
                        "$FILE:16:"),
                file("config-duplicate-key", "the same key twice", "run.yaml", BASE_CONFIG.replace("  r: 2\n", "  r: 2\n  r: 8\n"),
                        "$FILE:8:", "lora.r"),
                file("config-missing-model", "required key model missing", "run.yaml",
                        BASE_CONFIG.replace("model: $MODEL\n", ""), "'model'"),
                file("config-missing-data-train", "required key data.train missing", "run.yaml",
                        BASE_CONFIG.replace("  train: $DATA\n", ""), "data.train"),
                edit("config-unknown-key", "unknown key (another tool's name for train.lr)", "  lr: 0.001",
                        "  learning_rate: 0.001", 12, "train.learning_rate"),
                edit("config-unknown-section", "unknown section", "lora:", "adapter:", 6, "'adapter'"),
                edit("config-type-integer", "train.batch_size is a word", "  batch_size: 2", "  batch_size: two", 11,
                        "train.batch_size"),
                edit("config-type-fraction", "lora.r is not a whole number", "  r: 2", "  r: 2.5", 7, "lora.r"),
                edit("config-type-list", "lora.targets is not a list", "  targets: [q, v]", "  targets: q", 9, "lora.targets"),
                edit("config-type-section", "train is a value, not a section", "train:\n  batch_size: 2\n  lr: 0.001\n  max_steps: 1\n  warmup_steps: 0\n",
                        "train: fast\n", 10, "train"),
                edit("config-type-number", "train.lr is a word", "  lr: 0.001", "  lr: fast", 12, "train.lr"),
                edit("config-r-zero", "lora.r = 0", "  r: 2", "  r: 0", 7, "lora.r"),
                edit("config-r-negative", "lora.r < 0", "  r: 2", "  r: -4", 7, "lora.r"),
                edit("config-r-huge", "lora.r above 2^31", "  r: 2", "  r: 9999999999", 7, "lora.r"),
                edit("config-lr-zero", "train.lr = 0", "  lr: 0.001", "  lr: 0", 12, "train.lr"),
                edit("config-lr-negative", "train.lr < 0", "  lr: 0.001", "  lr: -1.0e-4", 12, "train.lr"),
                edit("config-lr-nan", "train.lr is NaN", "  lr: 0.001", "  lr: .nan", 12, "train.lr"),
                edit("config-lr-infinite", "train.lr overflows to infinity", "  lr: 0.001", "  lr: 1e999", 12, "train.lr"),
                edit("config-batch-zero", "train.batch_size = 0", "  batch_size: 2", "  batch_size: 0", 11,
                        "train.batch_size"),
                edit("config-batch-negative", "train.batch_size < 0", "  batch_size: 2", "  batch_size: -8", 11,
                        "train.batch_size"),
                edit("config-dropout-one", "lora.dropout = 1 (outside [0, 1))", "  alpha: 4", "  dropout: 1.0", 8,
                        "lora.dropout"),
                edit("config-dropout-negative", "lora.dropout < 0", "  alpha: 4", "  dropout: -0.1", 8, "lora.dropout"),
                edit("config-alpha-zero", "lora.alpha = 0", "  alpha: 4", "  alpha: 0", 8, "lora.alpha"),
                edit("config-target-unknown", "a target that does not exist", "  targets: [q, v]", "  targets: [q, x]", 9,
                        "lora.targets"),
                edit("config-target-misspelt", "a misspelt target", "  targets: [q, v]", "  targets: [q, mlp_fcc]", 9,
                        "lora.targets"),
                edit("config-targets-empty", "no targets", "  targets: [q, v]", "  targets: []", 9, "lora.targets"),
                edit("config-targets-repeated", "a target listed twice", "  targets: [q, v]", "  targets: [q, q]", 9,
                        "lora.targets"),
                edit("config-bias-unknown", "lora.bias not allowed", "  alpha: 4", "  bias: some", 8, "lora.bias"),
                edit("config-betas-length", "train.betas with one number", "  lr: 0.001", "  betas: [0.9]", 12, "train.betas"),
                edit("config-betas-range", "train.betas outside [0, 1)", "  lr: 0.001", "  betas: [0.9, 1.0]", 12,
                        "train.betas"),
                edit("config-eps-zero", "train.eps = 0", "  lr: 0.001", "  eps: 0", 12, "train.eps"),
                edit("config-label-smoothing-one", "train.label_smoothing = 1", "  lr: 0.001", "  label_smoothing: 1", 12,
                        "train.label_smoothing"),
                edit("config-grad-accum-zero", "train.grad_accum = 0", "  lr: 0.001", "  grad_accum: 0", 12, "train.grad_accum"),
                edit("config-max-steps-zero", "train.max_steps = 0", "  max_steps: 1", "  max_steps: 0", 13, "train.max_steps"),
                edit("config-seed-huge", "train.seed above 2^63", "  lr: 0.001", "  seed: 99999999999999999999", 12,
                        "train.seed"),
                edit("config-dtype-unknown", "train.dtype not allowed", "  lr: 0.001", "  dtype: float16", 12, "train.dtype"),
                edit("config-dtype-bfloat17", "train.dtype misspelt", "  lr: 0.001", "  dtype: bfloat17", 12, "train.dtype"),
                edit("config-max-seq-len-one", "data.max_seq_len = 1 (no room for context and completion)",
                        "  max_seq_len: 32", "  max_seq_len: 1", 5, "data.max_seq_len"),
                edit("config-max-seq-len-above-model", "data.max_seq_len above the model's n_positions (64)",
                        "  max_seq_len: 32", "  max_seq_len: 128", 5, "data.max_seq_len"),
                edit("config-output-empty", "output is an empty string", "output: $OUT", "output: ''", 2, "output"),
                set("set-no-equals", "--set without '='", "train.lr"),
                set("set-unknown-key", "--set of an unknown key", "train.learnrate=0.1", "train.learnrate"),
                set("set-out-of-range", "--set lora.r=0", "lora.r=0", "lora.r"),
                set("set-into-value", "--set below a value key", "train.lr.max=1", "train.lr"),
                set("set-bad-yaml", "--set value that is not YAML", "lora.targets=[q, v", "lora.targets"),
                set("set-comment-only", "--set value that YAML reads as a comment (found by fuzzing)", "data.train=#train.txt",
                        "#train.txt"),
                file("config-lone-surrogate", "a JSON string with half a surrogate pair (found by fuzzing)", "run.json",
                        "{\"model\": \"$MODEL\", \"output\": \"$OUT/\\ud800\",\n \"data\": {\"train\": \"$DATA\"}}\n",
                        "$FILE:1:"),
                new BadInput("stop-after-zero", "--stop-after 0", s -> Call.of(train(s.config(BASE_CONFIG), "--stop-after", "0"),
                        "--stop-after")));
    }
}
