package dev.lora.eval.metrics;

import dev.lora.data.PythonText;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * chrF++ as Maja Popović's chrF.py computes it in GenerationEval (character 6-grams and word 2-grams, beta 2):
 * per segment the reference with the best sentence F (the first on a tie), its n-gram statistics summed over
 * the corpus, then the mean over the 8 orders of each order's F from the sums. Words are whitespace tokens with
 * one ASCII punctuation mark split from their end (else from their start); characters are the code points of
 * the line without its spaces. A fraction, as GenerationEval reports it.
 */
public final class ChrF {
    static final int CHAR_ORDER = 6, WORD_ORDER = 2;
    private static final double BETA = 2.0;
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"; // Python's string.punctuation

    private ChrF() {
    }

    /**
     * GenerationEval's chrF_score: segments whose references are all blank are left out, the rest scored against
     * their non-blank references (the first {@code numRefs}).
     */
    public static double corpus(List<List<String>> references, List<String> hypotheses, int numRefs) {
        Stats words = new Stats(WORD_ORDER), chars = new Stats(CHAR_ORDER);
        for (int s = 0; s < Math.min(references.size(), hypotheses.size()); s++) {
            List<String> refs = references.get(s).stream().filter(r -> !PythonText.strip(r).isEmpty()).toList();
            if (refs.isEmpty()) continue;
            String hyp = hypotheses.get(s);
            List<Map<List<String>, Double>> hypWords = counts(words(hyp), WORD_ORDER);
            List<Map<List<String>, Double>> hypChars = counts(characters(hyp), CHAR_ORDER);
            double bestF = -1;
            Stats bestWords = null, bestChars = null;
            // The script joins the references with "*#" and splits them again, so a reference holding "*#" is two.
            // A repeated reference ties and the first is kept, so each distinct one is scored once.
            for (String ref : new LinkedHashSet<>(Arrays.asList(
                    String.join("*#", refs.subList(0, Math.min(numRefs, refs.size()))).split("\\*#", -1)))) {
                Stats w = Stats.match(counts(words(ref), WORD_ORDER), hypWords, WORD_ORDER);
                Stats c = Stats.match(counts(characters(ref), CHAR_ORDER), hypChars, CHAR_ORDER);
                double f = (sum(c.f(true)) + sum(w.f(true))) / (CHAR_ORDER + WORD_ORDER);
                if (f > bestF) {
                    bestF = f;
                    bestWords = w;
                    bestChars = c;
                }
            }
            words.add(bestWords);
            chars.add(bestChars);
        }
        return (sum(chars.f(false)) + sum(words.f(false))) / (CHAR_ORDER + WORD_ORDER);
    }

    /**
     * Per order: matched, reference and hypothesis n-gram counts. {@code present[n]} is whether the script's
     * dictionary holds order n: for one sentence only orders with a match count; the corpus sums hold every order.
     */
    private static final class Stats {
        final double[] matching, ref, hyp;
        final boolean[] present;

        /** Corpus sums: every order present. */
        Stats(int orders) {
            this(orders, true);
        }

        private Stats(int orders, boolean allPresent) {
            matching = new double[orders];
            ref = new double[orders];
            hyp = new double[orders];
            present = new boolean[orders];
            if (allPresent) Arrays.fill(present, true);
        }

        static Stats match(List<Map<List<String>, Double>> ref, List<Map<List<String>, Double>> hyp, int orders) {
            Stats s = new Stats(orders, false);
            for (int n = 0; n < orders; n++) {
                if (ref.get(n).isEmpty()) continue; // the script visits only the orders the reference has
                for (double c : hyp.get(n).values()) s.hyp[n] += c;
                for (Map.Entry<List<String>, Double> e : ref.get(n).entrySet()) {
                    s.ref[n] += e.getValue();
                    Double h = hyp.get(n).get(e.getKey());
                    if (h != null) {
                        s.matching[n] += Math.min(e.getValue(), h);
                        s.present[n] = true;
                    }
                }
            }
            return s;
        }

        void add(Stats other) {
            for (int n = 0; n < matching.length; n++) {
                matching[n] += other.matching[n];
                ref[n] += other.ref[n];
                hyp[n] += other.hyp[n];
            }
        }

        /** ngram_precrecf's F per present order, in order; {@code sentence} only changes which orders are present. */
        List<Double> f(boolean sentence) {
            List<Double> out = new ArrayList<>();
            double factor = BETA * BETA;
            for (int n = 0; n < matching.length; n++) {
                if (!present[n]) continue;
                double prec = hyp[n] > 0 ? matching[n] / hyp[n] : 1e-16;
                double rec = ref[n] > 0 ? matching[n] / ref[n] : 1e-16;
                double denom = factor * prec + rec;
                out.add(denom > 0 ? (1 + factor) * prec * rec / denom : 1e-16);
            }
            return out;
        }
    }

    // Python's sum(): left to right from 0.
    private static double sum(List<Double> values) {
        double s = 0;
        for (double v : values) s += v;
        return s;
    }

    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        for (String w : PythonText.split(line)) {
            if (w.codePointCount(0, w.length()) == 1) {
                out.add(w);
                continue;
            }
            int last = w.codePointBefore(w.length()), first = w.codePointAt(0);
            if (isPunctuation(last)) {
                out.add(w.substring(0, w.length() - Character.charCount(last)));
                out.add(Character.toString(last));
            } else if (isPunctuation(first)) {
                out.add(Character.toString(first));
                out.add(w.substring(Character.charCount(first)));
            } else {
                out.add(w);
            }
        }
        return out;
    }

    static List<String> characters(String line) {
        return PythonText.strip(line).replace(" ", "").codePoints().mapToObj(Character::toString).toList();
    }

    private static boolean isPunctuation(int c) {
        return c < 128 && PUNCTUATION.indexOf(c) >= 0;
    }

    /** Counts per order (index n holds the (n+1)-grams), keyed by the n-gram's items. */
    private static List<Map<List<String>, Double>> counts(List<String> items, int orders) {
        List<Map<List<String>, Double>> out = new ArrayList<>();
        for (int n = 1; n <= orders; n++) {
            Map<List<String>, Double> m = new HashMap<>();
            for (int i = 0; i + n <= items.size(); i++) m.merge(items.subList(i, i + n), 1.0, Double::sum);
            out.add(m);
        }
        return out;
    }
}
