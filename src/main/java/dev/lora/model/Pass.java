package dev.lora.model;

import java.util.Optional;

/**
 * What one forward pass is, given to every projection instead of held by the layers: whether they keep what
 * backward needs, and for a training pass which examples its rows hold (what dropout masks are a function of).
 *
 * @param keep    remember activations for {@link Gpt2Model#backward}
 * @param dropout the training rows' identity; empty: nothing is dropped (evaluation, generation, or a pass
 *                that needs gradients without dropout)
 */
public record Pass(boolean keep, Optional<Rows> dropout) {
    /** Evaluation and generation: nothing kept, nothing dropped. */
    public static final Pass INFERENCE = new Pass(false, Optional.empty());

    /** Gradients without dropout. */
    public static final Pass KEEP = new Pass(true, Optional.empty());

    public static Pass of(boolean keep) {
        return keep ? KEEP : INFERENCE;
    }

    /** A training pass of step {@code stepSeed}: sequence s of {@code seqs} is training example {@code keys[s]}. */
    public static Pass training(long stepSeed, int[] keys, Sequences seqs) {
        return new Pass(true, Optional.of(new Rows(stepSeed, keys, seqs)));
    }

    /** As {@link #training}, without keeping activations: the same masks for a loss-only pass (finite differences). */
    public Pass withoutKeeping() {
        return new Pass(false, dropout);
    }

    /**
     * The identity of a training pass's rows: the step's seed and, per sequence, the example's index in the
     * training data; row seqs.offset(s) + t is example keys[s] at position t.
     */
    public record Rows(long stepSeed, int[] keys, Sequences seqs) {
        public Rows {
            if (keys.length != seqs.count()) {
                throw new IllegalArgumentException(keys.length + " keys for " + seqs.count() + " sequences");
            }
            keys = keys.clone();
        }
    }
}
