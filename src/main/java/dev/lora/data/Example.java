package dev.lora.data;

import java.util.Arrays;

/**
 * One training sequence: prompt tokens then completion tokens. The loss covers the positions that predict
 * completion tokens, i.e. position t (predicting tokens[t+1]) for completionStart - 1 <= t < length - 1, so
 * the completion's closing end-of-text token is learnt too and the prompt is never a target.
 *
 * <p>{@link #tokens()} returns the record's own array (copied in on construction): read it, do not change it.
 */
public record Example(int[] tokens, int completionStart) implements java.io.Serializable {
    public Example {
        if (tokens.length < 2) {
            throw new IllegalArgumentException("an example needs at least one prompt and one completion token, got "
                    + tokens.length + " tokens");
        }
        if (completionStart < 1 || completionStart >= tokens.length) {
            throw new IllegalArgumentException("completionStart " + completionStart + " must be in [1, "
                    + (tokens.length - 1) + "] for " + tokens.length + " tokens");
        }
        tokens = tokens.clone();
    }

    public int length() {
        return tokens.length;
    }

    /** How many positions the loss is taken over: the number of completion tokens. */
    public int lossTokens() {
        return tokens.length - completionStart;
    }

    /** The first position whose prediction counts: the last prompt token, which predicts the first completion token. */
    public int firstLossPosition() {
        return completionStart - 1;
    }

    /** Whether the prediction made at position {@code t} (of token t+1) is part of the loss. */
    public boolean isLossPosition(int t) {
        return t + 1 >= completionStart && t + 1 < tokens.length;
    }

    /** The prompt: every token before the completion (what generation is conditioned on). */
    public int[] context() {
        return Arrays.copyOfRange(tokens, 0, completionStart);
    }

    public int[] completion() {
        return Arrays.copyOfRange(tokens, completionStart, tokens.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Example e && e.completionStart == completionStart && Arrays.equals(e.tokens, tokens);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(tokens) + completionStart;
    }

    @Override
    public String toString() {
        return "Example[" + tokens.length + " tokens, completion from " + completionStart + "]";
    }
}
