package dev.lora.eval.metrics;

import java.util.List;
import java.util.Map;

/**
 * Corpus BLEU-4 as mteval-v13a.pl computes it (its default "closest" brevity penalty and its
 * smoothing of zero n-gram matches), with the E2E scorer's change for a varying number of
 * references: the padding (empty) references that stand in for missing ones are ignored when the
 * reference length is chosen.
 */
public final class Bleu {

    static final int MAX_N = 4;

    private Bleu() {
    }

    /**
     * @param references per segment, its tokenised references (see {@link MtevalTokenizer})
     * @param hypotheses per segment, the tokenised system output
     */
    public static double score(List<List<List<String>>> references, List<List<String>> hypotheses) {
        long refLength = 0;
        long[] matches = new long[MAX_N + 1];
        long[] hypNgrams = new long[MAX_N + 1];
        for (int s = 0; s < hypotheses.size(); s++) {
            List<String> hyp = hypotheses.get(s);
            List<List<String>> refs = references.get(s);
            refLength += closestReferenceLength(refs, hyp.size());
            Map<String, Integer> refMax = NgramCounts.maxOver(refs, MAX_N);
            for (int n = 1; n <= MAX_N; n++) {
                hypNgrams[n] += Math.max(0, hyp.size() - n + 1);
                for (Map.Entry<String, Integer> e : NgramCounts.of(hyp, n).entrySet()) {
                    matches[n] += Math.min(e.getValue(), refMax.getOrDefault(e.getKey(), 0));
                }
            }
        }
        return fromCounts(refLength, matches, hypNgrams);
    }

    /**
     * The reference length closest to the hypothesis length, the shorter one on a tie; empty references
     * are skipped (the E2E change: they are padding, not references).
     */
    static int closestReferenceLength(List<List<String>> refs, int hypLength) {
        int best = -1;
        for (List<String> ref : refs) {
            int len = ref.size();
            if (len == 0) continue;
            int distance = Math.abs(hypLength - len);
            int bestDistance = Math.abs(hypLength - best);
            if (best < 0 || distance < bestDistance || (distance == bestDistance && len < best)) best = len;
        }
        return Math.max(best, 0);
    }

    /** mteval's bleu_score: geometric mean of the four precisions times the brevity penalty. */
    static double fromCounts(long refLength, long[] matches, long[] hypNgrams) {
        if (hypNgrams[1] == 0) return 0.0;
        double brevity = Math.exp(Math.min(0.0, 1.0 - (double) refLength / hypNgrams[1]));
        double logSum = 0.0;
        double smooth = 1.0;
        for (int n = 1; n <= MAX_N; n++) {
            if (hypNgrams[n] == 0) continue; // mteval adds log(1) here
            if (matches[n] == 0) {
                // mteval's smoothing: the k-th zero precision counts as 1 / (2^k * hypothesis n-grams)
                smooth *= 2;
                logSum += Math.log(1.0 / (smooth * hypNgrams[n]));
            } else {
                logSum += Math.log((double) matches[n] / hypNgrams[n]);
            }
        }
        return Math.exp(logSum / MAX_N) * brevity;
    }
}
