package dev.lora.config;

import dev.lora.config.ConfigKey.Kind;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every config key, once: the schema, the loader, the YAML writer, the run fingerprint and docs/config.md's
 * tables are all read from this list (ConfigDocTest holds the docs to it). Checks stay in the records'
 * constructors, so that a config built in code is as safe as a loaded one.
 *
 * <p>The defaults are the LoRA paper's E2E setup (Hu et al. 2021, Table 11) as microsoft/LoRA runs it
 * (examples/NLG/README.md: {@code --train_batch_size 8 --grad_acc 1 --max_epoch 5 --lr 0.0002
 * --weight_decay 0.01 --adam_beta2 0.999 --warmup_step 500 --label_smooth 0.1 --clip 0.0 --random_seed 110
 * --seq_len 512 --lora_dim 4 --lora_alpha 32 --lora_dropout 0.1}, adapters on q and v; beta1 0.9 and eps 1e-6
 * are the unchanged defaults of its src/optimizer.py). Logging, evaluation and saving cadences are this tool's.
 */
public final class ConfigKeys {
    private ConfigKeys() {
    }

    /** The record each section binds to; the top level binds to {@link RunConfig}. */
    static final Map<String, Class<? extends Record>> SECTIONS = Map.of(
            "data", DataConfig.class, "lora", LoraSettings.class, "train", TrainSettings.class);

    /** In the order the YAML writer and docs/config.md give them. */
    static final List<ConfigKey> ALL = List.of(
            required("model", Kind.MODEL, "gpt2-medium (a hub id or a model folder)", "a Hugging Face GPT-2 folder"
                    + " (`config.json`, `model.safetensors` or `pytorch_model.bin`) or a hub id (`gpt2`, `gpt2-medium`,"
                    + " `gpt2-large`), taken from the Hugging Face cache or downloaded"),
            required("output", Kind.PATH, "runs/e2e-gpt2-medium", "the run's folder: `adapter/`, `checkpoints/`,"
                    + " `best/`, `metrics.jsonl`, `loss.png`, `config.yaml`. A fresh run into a folder holding another"
                    + " run's files is refused unless `--resume` or `--force`; it may not be, contain or lie inside an"
                    + " input").neutral(),

            required("data.train", Kind.PATH, "data/e2e/train.txt", "training data: `.txt` (`context\\|\\|completion`"
                    + " per line, the LoRA paper's E2E format), `.jsonl` (string `context`/`completion`, or token-id"
                    + " arrays), or the E2E challenge's `.csv` (`mr,ref`)"),
            optional("data.valid", Kind.PATH, "validation data in the same formats; evaluated at `train.eval_every`"
                    + " and at the end").neutral(),
            key("data.max_seq_len", Kind.INT, "512", "the longest sequence, at most the model's `n_positions`; a"
                    + " longer example loses context tokens from the left (training reports how many)"),

            key("lora.r", Kind.INT, "4", "rank of every adapter"),
            key("lora.alpha", Kind.NUMBER, "32", "scaling: the update is (alpha / r) B A"),
            key("lora.dropout", Kind.NUMBER, "0.1", "dropout on the adapters' input (loralib's `lora_dropout`);"
                    + " masks are a function of (seed, step, module, example, position)"),
            choices("lora.targets", LoraTarget.class, "[q, v]", "what to adapt: `q`, `k`, `v` (slices of the fused"
                    + " `attn.c_attn`, one MergedLinear), `attn_proj`, `mlp_fc`, `mlp_proj`, `wte`"),
            choice("lora.bias", LoraBias.class, "none", "which biases train, as loralib's"
                    + " `mark_only_lora_as_trainable`: `none`, `all`, `lora_only`"),
            optional("lora.init", Kind.PATH, "an adapter to start from (this tool's folder, a PEFT folder or a"
                    + " microsoft/LoRA checkpoint) instead of loralib's initialisation"),

            key("train.batch_size", Kind.INT, "8", "examples per micro-batch"),
            key("train.grad_accum", Kind.INT, "1", "micro-batches per optimiser step (their losses averaged)"),
            key("train.epochs", Kind.INT, "5", "passes over `data.train`, when `train.max_steps` is not set"),
            optional("train.max_steps", Kind.INT, "optimiser steps to run; overrides `train.epochs` (the data is"
                    + " cycled, epoch after epoch)"),
            key("train.lr", Kind.NUMBER, "2e-4", "peak learning rate, reached after warmup"),
            key("train.weight_decay", Kind.NUMBER, "0.01", "AdamW's decoupled weight decay"),
            new ConfigKey("train.betas", Kind.NUMBERS, List.of("beta1", "beta2"), Optional.of("[0.9, 0.999]"),
                    Optional.empty(), null, true, "AdamW's betas"),
            key("train.eps", Kind.NUMBER, "1e-6", "AdamW's epsilon"),
            key("train.warmup_steps", Kind.INT, "500", "linear warmup from 0 to `train.lr`, then linear decay to 0"
                    + " at the last step (Hugging Face's schedule); a warning says when warmup covers the whole run"),
            key("train.label_smoothing", Kind.NUMBER, "0.1", "label smoothing of the token-mean cross-entropy over"
                    + " completion tokens"),
            key("train.clip_norm", Kind.NUMBER, "0", "clip the global gradient norm to this (`clip_grad_norm_`); 0"
                    + " is off"),
            key("train.seed", Kind.LONG, "110", "seed of the adapters' initialisation, the shuffle and the dropout"
                    + " masks"),
            key("train.shuffle", Kind.BOOL, "true", "shuffle the data each epoch (seeded by seed and epoch)"),
            key("train.group_by_length", Kind.BOOL, "false", "put examples of similar length into the same"
                    + " micro-batches: each epoch's order is cut into megabatches of up to 50 steps' examples, each"
                    + " sorted longest first (Hugging Face's `group_by_length`); it changes which examples share a"
                    + " batch"),
            key("train.log_every", Kind.INT, "10", "steps between progress lines when the output is not a"
                    + " terminal").neutral(),
            key("train.eval_every", Kind.INT, "0", "steps between validation losses; 0 evaluates at the end"
                    + " only").neutral(),
            key("train.save_every", Kind.INT, "0", "steps between checkpoints; 0 saves at the end (and on Ctrl-C,"
                    + " SIGTERM or `--stop-after`)").neutral(),
            key("train.save_total_limit", Kind.INT, "0", "keep the newest N checkpoints; 0 keeps all").neutral(),
            key("train.keep_best", Kind.BOOL, "false", "keep the adapter with the lowest validation loss so far in"
                    + " `OUTPUT/best/` (`adapter/`, `best.json` with its step and loss); needs `data.valid`").neutral(),
            key("train.skip_nonfinite", Kind.BOOL, "false", "skip a step whose loss or gradient is NaN or infinite"
                    + " instead of stopping").neutral(),
            key("train.max_skipped_steps", Kind.INT, "10", "with `train.skip_nonfinite`, stop (exit 2) after this"
                    + " many skipped steps in a row").neutral(),
            choice("train.dtype", ComputeDtype.class, "float32", "compute type: `float32` (also `f32`, `fp32`),"
                    + " `float64` (`f64`, `fp64`, `double`) or `bfloat16` (`bf16`): mixed precision as PyTorch's CPU"
                    + " autocast, the frozen weights in bfloat16 and their products accumulated in float32, everything"
                    + " trained in float32 (docs/performance.md)"));

    /** The keys a resumed run may change without changing what it computes (left out of the fingerprint). */
    public static Set<String> neutralPaths() {
        return ALL.stream().filter(k -> !k.shapesRun()).map(ConfigKey::path).collect(Collectors.toUnmodifiableSet());
    }

    /** Keys directly under a section ("" is the top level), in table order. */
    static List<ConfigKey> in(String section) {
        return ALL.stream().filter(k -> k.section().equals(section)).toList();
    }

    /** Section names in table order. */
    static List<String> sectionNames() {
        return ALL.stream().map(ConfigKey::section).filter(s -> !s.isEmpty()).distinct().toList();
    }

    /** docs/config.md's table for a section ("" is the top level), header included. */
    static String docTable(String section) {
        List<String> rows = new ArrayList<>(List.of("| key | default | meaning |", "|---|---|---|"));
        in(section).forEach(k -> rows.add(k.docRow()));
        return String.join("\n", rows) + "\n";
    }

    /** Record component name for a key's last part: max_seq_len -> maxSeqLen. */
    private static String camel(String snake) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }

    private static ConfigKey key(String path, Kind kind, String dflt, String doc) {
        return row(path, kind, null, dflt, null, doc);
    }

    private static ConfigKey required(String path, Kind kind, String example, String doc) {
        return row(path, kind, null, null, example, doc);
    }

    private static ConfigKey optional(String path, Kind kind, String doc) {
        return row(path, kind, null, null, null, doc);
    }

    private static ConfigKey choice(String path, Class<? extends Enum<?>> type, String dflt, String doc) {
        return row(path, Kind.CHOICE, type, dflt, null, doc);
    }

    private static ConfigKey choices(String path, Class<? extends Enum<?>> type, String dflt, String doc) {
        return row(path, Kind.CHOICES, type, dflt, null, doc);
    }

    /** A key that fills the one record component named after its last part, and shapes the run. */
    private static ConfigKey row(String path, Kind kind, Class<? extends Enum<?>> type, String dflt, String example, String doc) {
        return new ConfigKey(path, kind, List.of(camel(last(path))), Optional.ofNullable(dflt), Optional.ofNullable(example),
                type, true, doc);
    }

    private static String last(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    /** Section name to its key names, in table order (ConfigSchema's view). */
    static Map<String, List<String>> namesBySection() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String s : sectionNames()) m.put(s, in(s).stream().map(ConfigKey::name).toList());
        return m;
    }
}
