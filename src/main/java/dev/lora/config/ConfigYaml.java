package dev.lora.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes a {@link RunConfig} as YAML by hand: Jackson's generator cannot write flow lists
 * ({@code [q, v]}) or comments, and the key set is small and fixed. Key names come from
 * {@link ConfigSchema} order; a test checks every key is written.
 */
final class ConfigYaml {
    private ConfigYaml() {
    }

    /** Strings that YAML would read as something other than that string (or as a different string). */
    private static final Pattern PLAIN_SAFE = Pattern.compile("[A-Za-z0-9_./][A-Za-z0-9_./@+-]*");
    private static final Pattern NUMBER_LIKE = Pattern.compile("[-+]?[0-9._]+([eE][-+]?[0-9]+)?|0[xo].*|\\..*");
    private static final List<String> RESERVED = List.of("null", "true", "false", "yes", "no", "on", "off", "y",
            "n", "~");

    static String write(RunConfig c) {
        StringBuilder y = new StringBuilder();
        y.append("# lora run config: every key with its value in force (defaults filled in, paths absolute).\n");
        line(y, "", "model", str(c.model()));
        line(y, "", "output", path(c.output()));
        y.append("data:\n");
        DataConfig d = c.data();
        line(y, "  ", "train", path(d.train()));
        line(y, "  ", "valid", path(d.valid()));
        line(y, "  ", "max_seq_len", Integer.toString(d.maxSeqLen()));
        y.append("lora:\n");
        LoraSettings l = c.lora();
        line(y, "  ", "r", Integer.toString(l.r()));
        line(y, "  ", "alpha", Checks.fmt(l.alpha()));
        line(y, "  ", "dropout", Checks.fmt(l.dropout()));
        line(y, "  ", "targets", l.targets().stream().map(LoraTarget::id).collect(Collectors.joining(", ", "[", "]")));
        line(y, "  ", "bias", l.bias().id());
        line(y, "  ", "init", path(l.init()));
        y.append("train:\n");
        TrainSettings t = c.train();
        line(y, "  ", "batch_size", Integer.toString(t.batchSize()));
        line(y, "  ", "grad_accum", Integer.toString(t.gradAccum()));
        line(y, "  ", "epochs", Integer.toString(t.epochs()));
        line(y, "  ", "max_steps", optionalInt(t.maxSteps()));
        line(y, "  ", "lr", Checks.fmt(t.lr()));
        line(y, "  ", "weight_decay", Checks.fmt(t.weightDecay()));
        line(y, "  ", "betas", "[" + Checks.fmt(t.beta1()) + ", " + Checks.fmt(t.beta2()) + "]");
        line(y, "  ", "eps", Checks.fmt(t.eps()));
        line(y, "  ", "warmup_steps", Integer.toString(t.warmupSteps()));
        line(y, "  ", "label_smoothing", Checks.fmt(t.labelSmoothing()));
        line(y, "  ", "clip_norm", Checks.fmt(t.clipNorm()));
        line(y, "  ", "seed", Long.toString(t.seed()));
        line(y, "  ", "shuffle", Boolean.toString(t.shuffle()));
        line(y, "  ", "group_by_length", Boolean.toString(t.groupByLength()));
        line(y, "  ", "log_every", Integer.toString(t.logEvery()));
        line(y, "  ", "eval_every", Integer.toString(t.evalEvery()));
        line(y, "  ", "save_every", Integer.toString(t.saveEvery()));
        line(y, "  ", "save_total_limit", Integer.toString(t.saveTotalLimit()));
        line(y, "  ", "keep_best", Boolean.toString(t.keepBest()));
        line(y, "  ", "skip_nonfinite", Boolean.toString(t.skipNonfinite()));
        line(y, "  ", "max_skipped_steps", Integer.toString(t.maxSkippedSteps()));
        line(y, "  ", "dtype", t.dtype().id());
        return y.toString();
    }

    private static void line(StringBuilder y, String indent, String key, String value) {
        y.append(indent).append(key).append(": ").append(value).append('\n');
    }

    private static String path(Optional<Path> p) {
        return p.map(ConfigYaml::path).orElse("null");
    }

    private static String path(Path p) {
        return str(p.toString());
    }

    private static String optionalInt(OptionalInt v) {
        return v.isPresent() ? Integer.toString(v.getAsInt()) : "null";
    }

    /** Plain when unambiguous, else a double-quoted YAML string (JSON escapes are valid there). */
    static String str(String s) {
        if (PLAIN_SAFE.matcher(s).matches() && !NUMBER_LIKE.matcher(s).matches()
                && !RESERVED.contains(s.toLowerCase(Locale.ROOT))) {
            return s;
        }
        StringBuilder q = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                default -> {
                    if (ch < 0x20) q.append(String.format("\\u%04x", (int) ch));
                    else q.append(ch);
                }
            }
        }
        return q.append('"').toString();
    }
}
