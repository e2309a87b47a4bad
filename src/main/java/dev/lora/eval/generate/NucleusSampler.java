package dev.lora.eval.generate;

import java.util.SplittableRandom;

/**
 * Top-p (nucleus) sampling: the smallest set of most probable tokens whose probabilities sum to at least
 * topP, renormalised, drawn from with one uniform number.
 */
final class NucleusSampler {
    private NucleusSampler() {
    }

    /**
     * A token drawn from {@code logProbs} (normalised; -infinity for impossible tokens), or -1 if no token is
     * possible. Tokens are ranked by probability, higher first, the lower id first on ties; the nucleus is the
     * shortest prefix of that ranking whose summed probability reaches {@code topP}; u uniform in [0, 1) picks
     * the first nucleus token whose running sum exceeds u times the nucleus's mass.
     */
    static int draw(double[] logProbs, double topP, SplittableRandom rng) {
        Ranking ranking = new Ranking(logProbs);
        int[] nucleus = new int[logProbs.length];
        double[] probs = new double[logProbs.length];
        int n = 0;
        double mass = 0;
        while (mass < topP && ranking.hasNext()) {
            int t = ranking.next();
            nucleus[n] = t;
            probs[n++] = Math.exp(logProbs[t]);
            mass += probs[n - 1];
        }
        if (n == 0) return -1;
        double u = rng.nextDouble() * mass;
        double run = 0;
        for (int i = 0; i < n; i++) {
            run += probs[i];
            if (run > u) return nucleus[i];
        }
        return nucleus[n - 1]; // u * mass rounded up to the total
    }

    /**
     * Possible tokens in ranking order, lazily: a binary max-heap, so a small nucleus out of a 50k vocabulary
     * costs one heap build and a few pops rather than a full sort.
     */
    private static final class Ranking {
        private final double[] logProbs;
        private final int[] heap;
        private int size;

        Ranking(double[] logProbs) {
            this.logProbs = logProbs;
            heap = new int[logProbs.length];
            for (int t = 0; t < logProbs.length; t++) {
                if (logProbs[t] != Double.NEGATIVE_INFINITY) heap[size++] = t;
            }
            for (int i = size / 2 - 1; i >= 0; i--) siftDown(i);
        }

        boolean hasNext() {
            return size > 0;
        }

        int next() {
            int top = heap[0];
            heap[0] = heap[--size];
            siftDown(0);
            return top;
        }

        private boolean before(int a, int b) {
            return logProbs[a] > logProbs[b] || (logProbs[a] == logProbs[b] && a < b);
        }

        private void siftDown(int i) {
            while (true) {
                int l = 2 * i + 1, r = l + 1, top = i;
                if (l < size && before(heap[l], heap[top])) top = l;
                if (r < size && before(heap[r], heap[top])) top = r;
                if (top == i) return;
                int tmp = heap[i];
                heap[i] = heap[top];
                heap[top] = tmp;
                i = top;
            }
        }
    }
}
