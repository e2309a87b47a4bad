package dev.lora.eval.metrics;

import java.util.List;
import java.util.Map;

/**
 * Corpus BLEU-4 as Moses' {@code multi-bleu-detok.perl} computes it, the "BLEU" of WebNLG's GenerationEval
 * (and so of the LoRA paper's WebNLG and DART tables), on the 0-100 scale: mteval-v13a's tokenisation with case
 * kept ({@link MtevalTokenizer#tokenizeCased}), clipped n-gram matches against the largest count in any one
 * reference, the closest reference length (the shorter on a tie) for the brevity penalty, and no smoothing: an
 * n-gram order without a match makes the score 0. Unlike the E2E scorer, an empty reference line is a reference
 * of length 0 (GenerationEval writes missing references as empty lines).
 */
public final class MultiBleu {
    private MultiBleu() {
    }

    /**
     * @param references per segment, its references as raw lines (tokenised here)
     * @param hypotheses per segment, the raw system output
     */
    public static double score(List<List<String>> references, List<String> hypotheses) {
        long refLength = 0, hypLength = 0;
        long[] correct = new long[Bleu.MAX_N + 1];
        long[] total = new long[Bleu.MAX_N + 1];
        for (int s = 0; s < hypotheses.size(); s++) {
            List<String> hyp = MtevalTokenizer.tokenizeCased(hypotheses.get(s));
            List<List<String>> refs = references.get(s).stream().map(MtevalTokenizer::tokenizeCased).toList();
            hypLength += hyp.size();
            refLength += closestLength(refs, hyp.size());
            Map<String, Integer> refMax = NgramCounts.maxOver(refs, Bleu.MAX_N);
            for (int n = 1; n <= Bleu.MAX_N; n++) {
                total[n] += Math.max(0, hyp.size() - n + 1);
                for (Map.Entry<String, Integer> e : NgramCounts.of(hyp, n).entrySet()) {
                    correct[n] += Math.min(e.getValue(), refMax.getOrDefault(e.getKey(), 0));
                }
            }
        }
        // The script stops with "BLEU = 0" when there is no reference word and divides by zero without output words.
        if (refLength == 0 || hypLength == 0) return 0.0;
        double brevity = hypLength < refLength ? Math.exp(1.0 - (double) refLength / hypLength) : 1.0;
        double logSum = 0.0;
        for (int n = 1; n <= Bleu.MAX_N; n++) {
            double precision = total[n] == 0 ? 0.0 : (double) correct[n] / total[n];
            logSum += precision == 0.0 ? -9999999999.0 : Math.log(precision); // the script's my_log
        }
        return 100.0 * brevity * Math.exp(logSum / Bleu.MAX_N);
    }

    // The script starts from a "closest" length of 9999 at distance 9999, so a segment without references adds 9999.
    private static int closestLength(List<List<String>> refs, int hypLength) {
        int closestDiff = 9999, closest = 9999;
        for (List<String> ref : refs) {
            int len = ref.size(), diff = Math.abs(hypLength - len);
            if (diff < closestDiff) {
                closestDiff = diff;
                closest = len;
            } else if (diff == closestDiff && len < closest) {
                closest = len;
            }
        }
        return closest;
    }
}
