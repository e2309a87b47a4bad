package dev.lora.eval.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Counts of the n-grams of one token sequence, keyed by the tokens joined with single spaces. */
final class NgramCounts {

    private NgramCounts() {
    }

    /** All n-grams of length {@code n} exactly. */
    static Map<String, Integer> of(List<String> tokens, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) {
            counts.merge(String.join(" ", tokens.subList(i, i + n)), 1, Integer::sum);
        }
        return counts;
    }

    /** All n-grams of lengths 1 to {@code maxN}, in one map (their keys cannot collide: lengths differ). */
    static Map<String, Integer> upTo(List<String> tokens, int maxN) {
        Map<String, Integer> counts = new HashMap<>();
        for (int n = 1; n <= maxN; n++) {
            for (int i = 0; i + n <= tokens.size(); i++) {
                counts.merge(String.join(" ", tokens.subList(i, i + n)), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** For each n-gram, its largest count in any one of the sequences (multi-reference clipping). */
    static Map<String, Integer> maxOver(List<List<String>> sequences, int maxN) {
        Map<String, Integer> max = new HashMap<>();
        for (List<String> sequence : sequences) {
            upTo(sequence, maxN).forEach((ngram, count) -> max.merge(ngram, count, Math::max));
        }
        return max;
    }

    static int order(String ngram) {
        int n = 1;
        for (int i = 0; i < ngram.length(); i++) {
            if (ngram.charAt(i) == ' ') n++;
        }
        return n;
    }
}
