package dev.lora.eval.metrics;

import dev.lora.data.PythonText;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * TER as pyter (pyter3 0.3, the library GenerationEval calls) computes it: greedy shifts, each time the one phrase
 * move that lowers the word-level Levenshtein distance most (a phrase being the longest run of words that matches
 * the reference at another position), until no move helps; then (shifts + distance) / reference length. Ties
 * between moves go, as pyter's sort of (gain, shifted words) does, to the lexicographically largest result.
 */
public final class Ter {
    private Ter() {
    }

    /** pyter.ter(hyp, ref) for a non-empty reference. */
    public static double sentence(List<String> hyp, List<String> ref) {
        if (ref.isEmpty()) throw new IllegalArgumentException("TER needs a non-empty reference");
        Map<String, Integer> ids = new HashMap<>();
        int[] r = ids(ref, ids);
        int[] words = ids(hyp, ids);
        String[] byId = new String[ids.size()];
        ids.forEach((w, id) -> byId[id] = w);
        Distance distance = new Distance(r, ids.size());
        int shifts = 0;
        while (true) {
            int[] next = bestShift(words, r, byId, distance);
            if (next == null) break;
            shifts++;
            words = next;
        }
        return (shifts + distance.to(words)) / (double) r.length;
    }

    /**
     * GenerationEval's ter_score: per segment the smallest TER over its first {@code numRefs} references (a
     * reference that is empty, or that has no words, scores 1), the mean over segments.
     */
    public static double corpus(List<List<String>> references, List<String> hypotheses, int numRefs) {
        int n = Math.min(references.size(), hypotheses.size());
        double sum = 0;
        for (int s = 0; s < n; s++) {
            List<String> hyp = PythonText.split(hypotheses.get(s));
            double best = Double.POSITIVE_INFINITY;
            List<String> refs = references.get(s);
            // A repeated reference (gpt2_decode.py pads with the first) cannot change the minimum.
            for (String ref : new java.util.LinkedHashSet<>(refs.subList(0, Math.min(numRefs, refs.size())))) {
                List<String> words = PythonText.split(ref);
                best = Math.min(best, words.isEmpty() ? 1.0 : sentence(hyp, words));
            }
            sum += best;
        }
        return sum / n;
    }

    /** The shifted hypothesis of the best move, or null when no move lowers the distance. */
    private static int[] bestShift(int[] words, int[] ref, String[] byId, Distance distance) {
        int before = distance.to(words);
        int bestGain = Integer.MIN_VALUE;
        int[] best = null;
        for (int i1 = 0; i1 < words.length; i1++) {
            for (int i2 = 0; i2 < ref.length; i2++) {
                if (i1 == i2 || words[i1] != ref[i2]) continue;
                int length = 1;
                while (i1 + length < words.length && i2 + length < ref.length && words[i1 + length] == ref[i2 + length]) length++;
                int[] shifted = shifted(words, i1, i2, length);
                int gain = before - distance.to(shifted);
                if (best == null || gain > bestGain || (gain == bestGain && compare(shifted, best, byId) > 0)) {
                    bestGain = gain;
                    best = shifted;
                }
            }
        }
        return best != null && bestGain > 0 ? best : null;
    }

    // pyter: remove words[from, from + length), then insert them before index `to` of what is left (or at its end).
    private static int[] shifted(int[] words, int from, int to, int length) {
        int[] rest = new int[words.length - length];
        System.arraycopy(words, 0, rest, 0, from);
        System.arraycopy(words, from + length, rest, from, words.length - from - length);
        int at = Math.min(to, rest.length);
        int[] out = new int[words.length];
        System.arraycopy(rest, 0, out, 0, at);
        System.arraycopy(words, from, out, at, length);
        System.arraycopy(rest, at, out, at + length, rest.length - at);
        return out;
    }

    // Python compares lists of str element by element, each by code point.
    private static int compare(int[] a, int[] b, String[] byId) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) return PythonText.compare(byId[a[i]], byId[b[i]]);
        }
        return 0;
    }

    /**
     * Word-level Levenshtein distance to one reference. Up to 64 reference words it is computed bit-parallel
     * (Myers' algorithm in Hyyrö's form for whole-string distance), else by the plain dynamic programme; both give
     * pyter's edit_distance exactly.
     */
    static final class Distance {
        private final int[] ref;
        private final long[] peq;

        Distance(int[] ref, int vocabulary) {
            this.ref = ref;
            this.peq = ref.length <= 64 ? new long[vocabulary] : null;
            if (peq != null) for (int i = 0; i < ref.length; i++) peq[ref[i]] |= 1L << i;
        }

        int to(int[] words) {
            if (peq == null) return editDistance(words, ref);
            long pv = -1L, mv = 0L, last = 1L << (ref.length - 1);
            int score = ref.length;
            for (int w : words) {
                long eq = peq[w];
                long xv = eq | mv;
                long xh = (((eq & pv) + pv) ^ pv) | eq;
                long ph = mv | ~(xh | pv);
                long mh = pv & xh;
                if ((ph & last) != 0) score++;
                else if ((mh & last) != 0) score--;
                ph = (ph << 1) | 1L;
                mh <<= 1;
                pv = mh | ~(xv | ph);
                mv = ph & xv;
            }
            return score;
        }
    }

    static int editDistance(int[] s, int[] t) {
        int[] prev = new int[t.length + 1], cur = new int[t.length + 1];
        for (int j = 0; j <= t.length; j++) prev[j] = j;
        for (int i = 1; i <= s.length; i++) {
            cur[0] = i;
            for (int j = 1; j <= t.length; j++) {
                cur[j] = Math.min(Math.min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + (s[i - 1] == t[j - 1] ? 0 : 1));
            }
            int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return prev[t.length];
    }

    private static int[] ids(List<String> words, Map<String, Integer> ids) {
        int[] out = new int[words.size()];
        for (int i = 0; i < out.length; i++) out[i] = ids.computeIfAbsent(words.get(i), w -> ids.size());
        return out;
    }
}
