package dev.lora.data;

import dev.lora.io.InputError;

import java.nio.file.Path;

/** Joins prompt and completion tokens, dropping prompt tokens from the left (never completion ones) to fit. */
final class SequenceFit {
    private SequenceFit() {
    }

    /** Whether {@link #fit} would drop prompt tokens. */
    static boolean needsTruncation(int[] prompt, int[] completion, int maxSeqLen) {
        return prompt.length + completion.length > maxSeqLen;
    }

    static Example fit(int[] prompt, int[] completion, int maxSeqLen, Path file, int line) {
        // At least one prompt token must stay: the first completion token is predicted from it.
        if (completion.length + 1 > maxSeqLen) {
            throw InputError.at(file, line, "the completion has " + completion.length
                    + " tokens, which with at least one context token does not fit the maximum sequence length of "
                    + maxSeqLen + " (the context has " + prompt.length
                    + "); raise the maximum sequence length or shorten the completion");
        }
        int keep = Math.min(prompt.length, maxSeqLen - completion.length);
        int[] tokens = new int[keep + completion.length];
        System.arraycopy(prompt, prompt.length - keep, tokens, 0, keep);
        System.arraycopy(completion, 0, tokens, keep, completion.length);
        return new Example(tokens, keep);
    }
}
