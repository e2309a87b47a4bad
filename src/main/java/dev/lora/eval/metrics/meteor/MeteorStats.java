package dev.lora.eval.metrics.meteor;

import java.util.Arrays;

/**
 * METEOR's sufficient statistics of one segment (or, summed, of a corpus), and its score formula
 * for the English defaults alpha 0.85, beta 0.20, gamma 0.60, delta 0.75 and module weights
 * 1.0 / 0.6 / 0.8 / 0.6 (exact, stem, synonym, paraphrase).
 */
record MeteorStats(int hypLength, int refLength, int hypFunctionWords, int refFunctionWords,
                   int[] hypContentMatches, int[] refContentMatches, int[] hypFunctionMatches,
                   int[] refFunctionMatches, int chunks, int hypMatches, int refMatches) {

    static final double ALPHA = 0.85;
    static final double BETA = 0.20;
    static final double GAMMA = 0.60;
    static final double DELTA = 0.75;
    static final double[] MODULE_WEIGHTS = {1.0, 0.6, 0.8, 0.6};

    static final MeteorStats ZERO = new MeteorStats(0, 0, 0, 0, new int[MeteorAligner.MODULES],
            new int[MeteorAligner.MODULES], new int[MeteorAligner.MODULES], new int[MeteorAligner.MODULES], 0, 0, 0);

    static MeteorStats of(MeteorAligner.Alignment a) {
        return new MeteorStats(a.hypLength(), a.refLength(), a.hypFunctionWords(), a.refFunctionWords(),
                a.hypContentMatches(), a.refContentMatches(), a.hypFunctionMatches(), a.refFunctionMatches(),
                a.chunks(), a.hypMatches(), a.refMatches());
    }

    /** Every word of both sides matched in one chunk: METEOR gives no fragmentation penalty. */
    boolean perfect() {
        return hypMatches == hypLength && refMatches == refLength && chunks == 1;
    }

    /** METEOR's aggregation: counts add up, but perfect segments contribute no chunks. */
    MeteorStats plus(MeteorStats s) {
        return new MeteorStats(hypLength + s.hypLength, refLength + s.refLength,
                hypFunctionWords + s.hypFunctionWords, refFunctionWords + s.refFunctionWords,
                add(hypContentMatches, s.hypContentMatches), add(refContentMatches, s.refContentMatches),
                add(hypFunctionMatches, s.hypFunctionMatches), add(refFunctionMatches, s.refFunctionMatches),
                chunks + (s.perfect() ? 0 : s.chunks), hypMatches + s.hypMatches, refMatches + s.refMatches);
    }

    double score() {
        double hypWeightedLength = DELTA * (hypLength - hypFunctionWords) + (1 - DELTA) * hypFunctionWords;
        double refWeightedLength = DELTA * (refLength - refFunctionWords) + (1 - DELTA) * refFunctionWords;
        double hypWeightedMatches = 0;
        double refWeightedMatches = 0;
        for (int i = 0; i < MODULE_WEIGHTS.length; i++) {
            hypWeightedMatches += MODULE_WEIGHTS[i] * (DELTA * hypContentMatches[i] + (1 - DELTA) * hypFunctionMatches[i]);
            refWeightedMatches += MODULE_WEIGHTS[i] * (DELTA * refContentMatches[i] + (1 - DELTA) * refFunctionMatches[i]);
        }
        double precision = hypWeightedMatches / hypWeightedLength;
        double recall = refWeightedMatches / refWeightedLength;
        double fMean = 1.0 / ((1 - ALPHA) / precision + ALPHA / recall);
        double fragmentation = perfect() ? 0.0 : chunks / ((hypMatches + refMatches) / 2.0);
        double score = fMean * (1 - GAMMA * Math.pow(fragmentation, BETA));
        return Double.isNaN(score) ? 0.0 : Math.max(score, 0.0);
    }

    private static int[] add(int[] a, int[] b) {
        int[] sum = Arrays.copyOf(a, a.length);
        for (int i = 0; i < b.length; i++) sum[i] += b[i];
        return sum;
    }
}
