package dev.lora.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Suggests the key a user probably meant. Edit distance alone misses the commonest mistakes, which are
 * other tools' names for the same setting (learning_rate, lora_dim, max_grad_norm...): those come from
 * an alias table first, then keys that exist in another section (lr at the top level means train.lr),
 * then the nearest key by edit distance (with transpositions) or by prefix.
 */
final class KeySuggester {
    private KeySuggester() {
    }

    /** Names used by HF Transformers/PEFT, torchtune and microsoft/LoRA's gpt2_ft.py, mapped to ours. */
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("learning_rate", "lr"), Map.entry("learningrate", "lr"), Map.entry("lr_rate", "lr"),
            Map.entry("rank", "r"), Map.entry("lora_r", "r"), Map.entry("lora_dim", "r"),
            Map.entry("lora_rank", "r"), Map.entry("lora_alpha", "alpha"), Map.entry("scale", "alpha"),
            Map.entry("lora_dropout", "dropout"), Map.entry("target_modules", "targets"),
            Map.entry("modules", "targets"), Map.entry("lora_targets", "targets"),
            Map.entry("batch", "batch_size"), Map.entry("bsz", "batch_size"),
            Map.entry("train_batch_size", "batch_size"), Map.entry("per_device_train_batch_size", "batch_size"),
            Map.entry("gradient_accumulation_steps", "grad_accum"), Map.entry("grad_acc", "grad_accum"),
            Map.entry("gradient_accumulation", "grad_accum"), Map.entry("accumulation_steps", "grad_accum"),
            Map.entry("num_epochs", "epochs"), Map.entry("num_train_epochs", "epochs"),
            Map.entry("max_epoch", "epochs"), Map.entry("max_epochs", "epochs"), Map.entry("n_epochs", "epochs"),
            Map.entry("max_step", "max_steps"), Map.entry("num_steps", "max_steps"),
            Map.entry("total_steps", "max_steps"), Map.entry("steps", "max_steps"),
            Map.entry("wd", "weight_decay"), Map.entry("decay", "weight_decay"),
            Map.entry("adam_betas", "betas"), Map.entry("beta", "betas"), Map.entry("beta1", "betas"),
            Map.entry("beta2", "betas"), Map.entry("adam_beta1", "betas"), Map.entry("adam_beta2", "betas"),
            Map.entry("epsilon", "eps"), Map.entry("adam_eps", "eps"), Map.entry("adam_epsilon", "eps"),
            Map.entry("adam_epislon", "eps"),
            Map.entry("warmup", "warmup_steps"), Map.entry("warmup_step", "warmup_steps"),
            Map.entry("num_warmup_steps", "warmup_steps"),
            Map.entry("label_smooth", "label_smoothing"), Map.entry("label_smoothing_factor", "label_smoothing"),
            Map.entry("clip", "clip_norm"), Map.entry("grad_clip", "clip_norm"),
            Map.entry("max_grad_norm", "clip_norm"), Map.entry("gradient_clipping", "clip_norm"),
            Map.entry("random_seed", "seed"),
            Map.entry("log_interval", "log_every"), Map.entry("logging_steps", "log_every"),
            Map.entry("eval_interval", "eval_every"), Map.entry("eval_steps", "eval_every"),
            Map.entry("save_interval", "save_every"), Map.entry("save_steps", "save_every"),
            Map.entry("keep_last", "save_total_limit"), Map.entry("max_checkpoints", "save_total_limit"),
            Map.entry("precision", "dtype"), Map.entry("dtype_name", "dtype"),
            Map.entry("seq_len", "max_seq_len"), Map.entry("max_length", "max_seq_len"),
            Map.entry("block_size", "max_seq_len"), Map.entry("max_len", "max_seq_len"),
            Map.entry("train_data", "train"), Map.entry("train_file", "train"), Map.entry("train_path", "train"),
            Map.entry("valid_data", "valid"), Map.entry("validation", "valid"), Map.entry("eval", "valid"),
            Map.entry("validation_file", "valid"), Map.entry("dev", "valid"), Map.entry("eval_file", "valid"),
            Map.entry("output_dir", "output"), Map.entry("work_dir", "output"), Map.entry("out", "output"),
            Map.entry("model_name_or_path", "model"), Map.entry("base_model", "model"),
            Map.entry("model_name", "model"), Map.entry("model_card", "model"),
            Map.entry("init_checkpoint", "model"), Map.entry("adapter", "init"),
            Map.entry("resume_from", "init"));

    /** Full dotted key to suggest for an unknown key under section ("" = top level), if any fits. */
    static Optional<String> suggest(String section, String key) {
        String norm = key.strip().toLowerCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
        String wanted = ALIASES.getOrDefault(norm, norm);
        if (ConfigSchema.keysAt(section).contains(wanted)) return Optional.of(ConfigSchema.fullKey(section, wanted));
        Optional<String> elsewhere = inOtherSection(section, wanted);
        if (elsewhere.isPresent()) return elsewhere;
        Optional<String> near = nearest(norm, ConfigSchema.keysAt(section));
        if (near.isPresent()) return near.map(k -> ConfigSchema.fullKey(section, k));
        for (String other : allSections()) {
            if (other.equals(section)) continue;
            near = nearest(norm, ConfigSchema.keysAt(other));
            if (near.isPresent()) return near.map(k -> ConfigSchema.fullKey(other, k));
        }
        return Optional.empty();
    }

    /**
     * The candidate closest to word: within an edit distance of about a quarter of its length, or one
     * being a prefix of the other (warmup / warmup_steps), whichever is found first.
     */
    static Optional<String> nearest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(word, c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        // d < length: a one-letter word is not "near" every other one-letter key
        if (best != null && bestDistance <= Math.max(1, word.length() / 4) && bestDistance < word.length()) {
            return Optional.of(best);
        }
        if (word.length() >= 3) {
            for (String c : candidates) {
                if (c.startsWith(word) || (word.startsWith(c) && c.length() >= 3)) return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** Edit distance where swapping two adjacent letters (alpah / alpha) also costs one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static Optional<String> inOtherSection(String section, String key) {
        for (String other : allSections()) {
            if (!other.equals(section) && ConfigSchema.keysAt(other).contains(key)) {
                return Optional.of(ConfigSchema.fullKey(other, key));
            }
        }
        return Optional.empty();
    }

    private static List<String> allSections() {
        List<String> all = new ArrayList<>(ConfigSchema.SECTIONS.keySet());
        all.add(0, "");
        return all;
    }
}
