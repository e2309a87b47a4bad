package dev.lora.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lora.config.ConfigTree.MapNode;
import dev.lora.config.ConfigTree.Origin;
import dev.lora.io.InputError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * Loads a run config from YAML (.yaml, .yml) or JSON (.json), applies {@code --set key.path=value}
 * overrides, rejects unknown keys, fills in defaults and checks ranges. Every problem is an
 * {@link InputError} naming the file (or --set argument), the line, the key and the fix.
 *
 * <p>Relative paths (output, data.train, data.valid, lora.init, and model when it names an existing
 * folder) are resolved against the current working directory, as HF Trainer and torchtune do, and stored
 * absolute, so the saved OUTPUT/config.yaml means the same thing wherever it is loaded from. A model that
 * is not an existing folder is kept as given: a hub id such as {@code gpt2-medium}.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    public static RunConfig load(Path file) {
        return load(file, List.of());
    }

    /**
     * @param overrides {@code key.path=value} strings applied in order after the file is read; values are
     *                  YAML scalars or flow lists ({@code train.lr=1e-4}, {@code lora.targets=[q,k,v]}),
     *                  an empty value ({@code lora.init=}) unsets an optional key
     */
    public static RunConfig load(Path file, List<String> overrides) {
        MapNode root = ConfigTree.parseFile(file);
        for (String o : overrides) ConfigTree.applyOverride(root, o);
        ConfigSchema.rejectUnknownKeys(root);
        return bind(root, new Origin(file.toString(), 0));
    }

    private static RunConfig bind(MapNode root, Origin file) {
        Section top = Section.root(root, file);
        String model = resolveModel(top.requiredText("model", "gpt2-medium (a hub id or a model folder)"));
        Path output = resolve(root, file, "output", top.requiredText("output", "runs/e2e-gpt2-medium"));

        Section d = top.section("data");
        Path train = resolve(root, file, "data.train", d.requiredText("train", "data/e2e/train.txt"));
        DataConfig data = located(root, file, () -> new DataConfig(train,
                d.optionalText("valid").map(v -> resolve(root, file, "data.valid", v)),
                d.integer("max_seq_len", DataConfig.DEFAULT_MAX_SEQ_LEN)));

        Section l = top.section("lora");
        LoraSettings ld = LoraSettings.DEFAULTS;
        LoraSettings lora = located(root, file, () -> new LoraSettings(
                l.integer("r", ld.r()),
                l.number("alpha", ld.alpha()),
                l.number("dropout", ld.dropout()),
                l.choiceList("targets", ld.targets(), LoraTarget.class, "[q, v]"),
                l.choice("bias", ld.bias(), LoraBias.class),
                l.optionalText("init").map(v -> resolve(root, file, "lora.init", v))));

        Section t = top.section("train");
        TrainSettings td = TrainSettings.DEFAULTS;
        TrainSettings trainSettings = located(root, file, () -> {
            int batchSize = t.integer("batch_size", td.batchSize());
            int gradAccum = t.integer("grad_accum", td.gradAccum());
            int epochs = t.integer("epochs", td.epochs());
            OptionalInt maxSteps = t.optionalInteger("max_steps");
            double lr = t.number("lr", td.lr());
            double weightDecay = t.number("weight_decay", td.weightDecay());
            double[] betas = t.numbers("betas", new double[] {td.beta1(), td.beta2()}, 2, "[0.9, 0.999]");
            return new TrainSettings(batchSize, gradAccum, epochs, maxSteps, lr, weightDecay, betas[0], betas[1],
                    t.number("eps", td.eps()),
                    t.integer("warmup_steps", td.warmupSteps()),
                    t.number("label_smoothing", td.labelSmoothing()),
                    t.number("clip_norm", td.clipNorm()),
                    t.longInteger("seed", td.seed()),
                    t.bool("shuffle", td.shuffle()),
                    t.bool("group_by_length", td.groupByLength()),
                    t.integer("log_every", td.logEvery()),
                    t.integer("eval_every", td.evalEvery()),
                    t.integer("save_every", td.saveEvery()),
                    t.integer("save_total_limit", td.saveTotalLimit()),
                    t.bool("keep_best", td.keepBest()),
                    t.bool("skip_nonfinite", td.skipNonfinite()),
                    t.integer("max_skipped_steps", td.maxSkippedSteps()),
                    t.choice("dtype", td.dtype(), ComputeDtype.class));
        });
        RunConfig config = located(root, file, () -> new RunConfig(model, output, data, lora, trainSettings));
        nPositionsOf(model).ifPresent(n -> located(root, file, () -> {
            config.requireMaxSeqLenWithin(n);
            return config;
        }));
        return config;
    }

    /**
     * n_positions from a local model folder's config.json, so that a data.max_seq_len the model cannot take
     * is reported at its line of the config; empty for a hub id or an unreadable file (the trainer checks
     * again once the model is loaded, and the model loader reports a bad config.json).
     */
    private static OptionalInt nPositionsOf(String model) {
        try {
            Path config = Path.of(model, "config.json");
            if (!Files.isRegularFile(config)) return OptionalInt.empty();
            JsonNode n = new ObjectMapper().readTree(config.toFile()).path("n_positions");
            return n.isInt() && n.intValue() > 0 ? OptionalInt.of(n.intValue()) : OptionalInt.empty();
        } catch (IOException | InvalidPathException e) {
            return OptionalInt.empty();
        }
    }

    /** Runs a record constructor, pinning a range error on the line (or --set) its key came from. */
    private static <T> T located(MapNode root, Origin file, Supplier<T> build) {
        try {
            return build.get();
        } catch (ConfigValueError e) {
            throw originOf(root, file, e.key()).error(e.getMessage());
        }
    }

    private static Origin originOf(MapNode root, Origin file, String key) {
        return ConfigTree.find(root, key).map(ConfigTree.Entry::keyOrigin).orElse(file);
    }

    private static Path resolve(MapNode root, Origin file, String key, String text) {
        if (text.isBlank()) throw originOf(root, file, key).error(key + " must not be empty; give a path");
        try {
            return Path.of(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw originOf(root, file, key).error(key + " = '" + text + "' is not a valid path: " + e.getReason());
        }
    }

    /** An existing folder becomes an absolute path; anything else is a hub id and stays as written. */
    private static String resolveModel(String text) {
        try {
            Path p = Path.of(text);
            if (!text.isBlank() && Files.isDirectory(p)) return p.toAbsolutePath().normalize().toString();
        } catch (InvalidPathException notAPath) {
            // cannot be a folder, so it is meant as a hub id
        }
        return text;
    }
}
