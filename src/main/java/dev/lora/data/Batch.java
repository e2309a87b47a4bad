package dev.lora.data;

import dev.lora.model.Sequences;

import java.util.List;
import java.util.stream.IntStream;

/**
 * A micro-batch without padding: its examples' tokens, concatenated, as {@link Sequences} (attention stays within
 * an example), the rows whose next token is a completion token (the loss positions) and those targets. No FLOP
 * goes to padding, and the loss and gradients are those of the same examples right-padded to the longest (the
 * field's padding-free training; Hugging Face's DataCollatorWithFlattening). {@code keys} name the examples (their
 * indices in the training data) for anything that must follow an example wherever it sits: the LoRA-dropout masks.
 */
public record Batch(int[] tokens, Sequences sequences, int[] rows, int[] targets, int[] keys) {

    /** Examples keyed 0, 1, ... in list order (evaluation, benchmarks). */
    public static Batch of(List<Example> examples) {
        return of(examples, IntStream.range(0, examples.size()).toArray());
    }

    public static Batch of(List<Example> examples, int[] keys) {
        if (keys.length != examples.size())
            throw new IllegalArgumentException(keys.length + " keys for " + examples.size() + " examples");
        Sequences seqs = Sequences.of(examples.stream().mapToInt(Example::length).toArray());
        int[] tokens = new int[seqs.rows()];
        int lossTokens = examples.stream().mapToInt(Example::lossTokens).sum();
        int[] rows = new int[lossTokens];
        int[] targets = new int[lossTokens];
        int k = 0;
        for (int b = 0; b < examples.size(); b++) {
            int[] t = examples.get(b).tokens();
            System.arraycopy(t, 0, tokens, seqs.offset(b), t.length);
            for (int p = examples.get(b).firstLossPosition(); p + 1 < t.length; p++) {
                rows[k] = seqs.offset(b) + p;
                targets[k++] = t[p + 1];
            }
        }
        return new Batch(tokens, seqs, rows, targets, keys.clone());
    }

    public int lossTokens() {
        return rows.length;
    }

    /** Tokens processed: every row is a real token. */
    public int realTokens() {
        return tokens.length;
    }
}
