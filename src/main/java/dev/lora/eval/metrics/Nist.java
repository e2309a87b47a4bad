package dev.lora.eval.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Corpus NIST (up to 5-grams) as mteval-v13a.pl computes it, with the E2E scorer's change for a
 * varying number of references: the reference length of the length penalty is the total reference
 * length divided by the mean number of (non-empty) references per segment, not by the number of
 * reference sets.
 */
public final class Nist {

    static final int MAX_N = 5;
    private static final double LOG_2 = Math.log(2);
    // mteval: the penalty is 0.5 when the system output is 2/3 of the reference length.
    private static final double BETA = -Math.log(0.5) / Math.log(1.5) / Math.log(1.5);

    private Nist() {
    }

    /** Tokenised as for {@link Bleu#score}. */
    public static double score(List<List<List<String>>> references, List<List<String>> hypotheses) {
        Map<String, Double> info = information(references);
        double[] hypInfo = new double[MAX_N + 1];
        long[] hypNgrams = new long[MAX_N + 1];
        long refWords = 0;
        long nonEmptyRefs = 0;
        for (int s = 0; s < hypotheses.size(); s++) {
            List<String> hyp = hypotheses.get(s);
            List<List<String>> refs = references.get(s);
            for (List<String> ref : refs) {
                refWords += ref.size();
                if (!ref.isEmpty()) nonEmptyRefs++;
            }
            Map<String, Integer> refMax = NgramCounts.maxOver(refs, MAX_N);
            for (int n = 1; n <= MAX_N; n++) {
                hypNgrams[n] += Math.max(0, hyp.size() - n + 1);
                for (Map.Entry<String, Integer> e : NgramCounts.of(hyp, n).entrySet()) {
                    Integer refCount = refMax.get(e.getKey());
                    if (refCount != null) hypInfo[n] += info.get(e.getKey()) * Math.min(e.getValue(), refCount);
                }
            }
        }
        double sum = 0.0;
        for (int n = 1; n <= MAX_N; n++) sum += hypInfo[n] / Math.max(hypNgrams[n], 1);
        double refsPerSegment = hypotheses.isEmpty() ? 1.0 : (double) nonEmptyRefs / hypotheses.size();
        return sum * lengthPenalty(hypNgrams[1] / (refWords / refsPerSegment));
    }

    /**
     * Information weight of every reference n-gram: -log2(count(w1..wn) / count(w1..wn-1)), with the
     * total number of reference words in place of the count of the empty prefix. Counts are over all
     * references of all segments.
     */
    static Map<String, Double> information(List<List<List<String>>> references) {
        Map<String, Integer> counts = new HashMap<>();
        long totalWords = 0;
        for (List<List<String>> refs : references) {
            for (List<String> ref : refs) {
                totalWords += ref.size();
                NgramCounts.upTo(ref, MAX_N).forEach((ngram, count) -> counts.merge(ngram, count, Integer::sum));
            }
        }
        Map<String, Double> info = new HashMap<>();
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            String ngram = e.getKey();
            int cut = ngram.lastIndexOf(' ');
            String prefix = cut < 0 ? "" : ngram.substring(0, cut);
            // mteval tests the prefix for Perl truth: the prefix "0" counts as absent too.
            double denominator = prefix.isEmpty() || prefix.equals("0") ? totalWords : counts.get(prefix);
            info.put(ngram, -Math.log(e.getValue() / denominator) / LOG_2);
        }
        return info;
    }

    static double lengthPenalty(double ratio) {
        if (ratio >= 1) return 1.0;
        if (ratio <= 0) return 0.0;
        double log = Math.log(ratio);
        return Math.exp(-BETA * log * log);
    }
}
