package dev.lora.eval.metrics;

import java.util.List;

/**
 * ROUGE-L as pycocoevalcap computes it: per segment, the longest common subsequence with each
 * reference gives a precision and a recall; the best precision and the best recall (possibly from
 * different references) make an F-measure with beta 1.2; the score is the mean over segments.
 */
public final class RougeL {

    static final double BETA = 1.2;

    private RougeL() {
    }

    /**
     * @param references per segment, its references as {@link CocoTokenizer} strings
     * @param hypotheses per segment, the system output as a {@link CocoTokenizer} string
     */
    public static double score(List<List<String>> references, List<String> hypotheses) {
        double sum = 0.0;
        for (int s = 0; s < hypotheses.size(); s++) sum += segment(references.get(s), hypotheses.get(s));
        return hypotheses.isEmpty() ? 0.0 : sum / hypotheses.size();
    }

    static double segment(List<String> references, String hypothesis) {
        List<String> hyp = CocoTokenizer.splitOnSpace(hypothesis);
        double bestPrecision = 0.0;
        double bestRecall = 0.0;
        for (String reference : references) {
            List<String> ref = CocoTokenizer.splitOnSpace(reference);
            int lcs = longestCommonSubsequence(ref, hyp);
            bestPrecision = Math.max(bestPrecision, (double) lcs / hyp.size());
            bestRecall = Math.max(bestRecall, (double) lcs / ref.size());
        }
        if (bestPrecision == 0.0 || bestRecall == 0.0) return 0.0;
        return (1 + BETA * BETA) * bestPrecision * bestRecall / (bestRecall + BETA * BETA * bestPrecision);
    }

    static int longestCommonSubsequence(List<String> a, List<String> b) {
        int[] previous = new int[b.size() + 1];
        int[] current = new int[b.size() + 1];
        for (String x : a) {
            for (int j = 1; j <= b.size(); j++) {
                current[j] = x.equals(b.get(j - 1)) ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.size()];
    }
}
