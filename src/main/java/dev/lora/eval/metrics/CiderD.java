package dev.lora.eval.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CIDEr-D as pycocoevalcap's "CIDEr" computes it: TF-IDF vectors of 1- to 4-grams with document
 * frequencies from the evaluated set's own references, clipped cosine similarity per n, a Gaussian
 * length penalty with sigma 6, mean over n, mean over references, times 10; then the mean over
 * segments.
 */
public final class CiderD {

    static final int MAX_N = 4;
    static final double SIGMA = 6.0;

    private CiderD() {
    }

    /** Inputs as for {@link RougeL#score}. */
    public static double score(List<List<String>> references, List<String> hypotheses) {
        if (hypotheses.isEmpty()) return 0.0;
        List<List<Map<String, Integer>>> refCounts = new ArrayList<>();
        Map<String, Integer> documentFrequency = new HashMap<>();
        for (List<String> refs : references) {
            List<Map<String, Integer>> counts = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (String ref : refs) {
                Map<String, Integer> c = NgramCounts.upTo(CocoTokenizer.splitOnWhitespace(ref), MAX_N);
                counts.add(c);
                seen.addAll(c.keySet());
            }
            seen.forEach(ngram -> documentFrequency.merge(ngram, 1, Integer::sum));
            refCounts.add(counts);
        }
        double logDocuments = Math.log(references.size());
        double sum = 0.0;
        for (int s = 0; s < hypotheses.size(); s++) {
            TfIdf hyp = TfIdf.of(NgramCounts.upTo(CocoTokenizer.splitOnWhitespace(hypotheses.get(s)), MAX_N),
                    documentFrequency, logDocuments);
            double[] similarity = new double[MAX_N];
            for (Map<String, Integer> refCount : refCounts.get(s)) {
                TfIdf ref = TfIdf.of(refCount, documentFrequency, logDocuments);
                double[] sim = hyp.similarity(ref);
                for (int n = 0; n < MAX_N; n++) similarity[n] += sim[n];
            }
            double mean = 0.0;
            for (double v : similarity) mean += v;
            mean /= MAX_N;
            sum += mean / refCounts.get(s).size() * 10.0;
        }
        return sum / hypotheses.size();
    }

    /** One caption's TF-IDF vectors (per n-gram order), their norms, and its "length". */
    private record TfIdf(List<Map<String, Double>> vectors, double[] norms, int length) {

        static TfIdf of(Map<String, Integer> counts, Map<String, Integer> documentFrequency, double logDocuments) {
            List<Map<String, Double>> vectors = new ArrayList<>();
            for (int n = 0; n < MAX_N; n++) vectors.add(new HashMap<>());
            double[] norms = new double[MAX_N];
            int length = 0;
            for (Map.Entry<String, Integer> e : counts.entrySet()) {
                int n = NgramCounts.order(e.getKey()) - 1;
                double df = Math.log(Math.max(1.0, documentFrequency.getOrDefault(e.getKey(), 0)));
                double weight = e.getValue() * (logDocuments - df);
                vectors.get(n).put(e.getKey(), weight);
                norms[n] += weight * weight;
                // pycocoevalcap's "length" counts bigrams (its n is 0-based and it tests n == 1).
                if (n == 1) length += e.getValue();
            }
            for (int n = 0; n < MAX_N; n++) norms[n] = Math.sqrt(norms[n]);
            return new TfIdf(vectors, norms, length);
        }

        double[] similarity(TfIdf ref) {
            double delta = length - ref.length;
            double penalty = Math.exp(-(delta * delta) / (2 * SIGMA * SIGMA));
            double[] val = new double[MAX_N];
            for (int n = 0; n < MAX_N; n++) {
                Map<String, Double> refVector = ref.vectors.get(n);
                for (Map.Entry<String, Double> e : vectors.get(n).entrySet()) {
                    double refWeight = refVector.getOrDefault(e.getKey(), 0.0);
                    val[n] += Math.min(e.getValue(), refWeight) * refWeight;
                }
                if (norms[n] != 0 && ref.norms[n] != 0) val[n] /= norms[n] * ref.norms[n];
                val[n] *= penalty;
            }
            return val;
        }
    }
}
