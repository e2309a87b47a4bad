package dev.lora.eval.generate;

/**
 * No repeated n-gram among the generated tokens (fairseq's no_repeat_ngram_size, as the LoRA paper's
 * beam search uses it): a token that would complete an n-gram already present gets log-probability
 * -infinity. Only generated tokens count, not the prompt.
 */
final class NgramBan {
    private NgramBan() {
    }

    /** Sets {@code logProbs[t] = -inf} for every token t that would repeat an n-gram of {@code generated}; n = 0 is off. */
    static void apply(int[] generated, int n, double[] logProbs) {
        if (n == 0 || generated.length < n - 1) return;
        int prefixStart = generated.length - (n - 1);
        for (int i = 0; i + n <= generated.length; i++) {
            boolean same = true;
            for (int j = 0; j < n - 1 && same; j++) same = generated[i + j] == generated[prefixStart + j];
            if (same) logProbs[generated[i + n - 1]] = Double.NEGATIVE_INFINITY;
        }
    }
}
