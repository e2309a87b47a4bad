package dev.lora.eval.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CiderDTest {

    @Test
    void perfectOutputsOfTwoSegments() {
        // Two segments, refs "a b" and "c d", each output equal to its reference. Every n-gram occurs
        // in one of the 2 documents: weight = tf * (ln 2 - ln 1). Unigram and bigram cosines are 1,
        // there are no 3- or 4-grams (0), lengths are equal (no penalty): mean over n = 2/4,
        // one reference, times 10 = 5 for each segment.
        double cider = CiderD.score(List.of(List.of("a b"), List.of("c d")), List.of("a b", "c d"));
        assertThat(cider).isCloseTo(5.0, within(1e-12));
    }

    @Test
    void nGramsInEveryDocumentWeighNothing() {
        // With a single segment every n-gram has document frequency 1 = number of documents: idf 0.
        assertThat(CiderD.score(List.of(List.of("a b c")), List.of("a b c"))).isZero();
    }

    @Test
    void lengthPenaltyCountsBigrams() {
        // Segment 1: ref "a b", output "a b c d e f g h" (7 bigrams vs 1: delta 6, penalty e^(-36/72)).
        // Document frequencies come from the references only: "a", "b", "a b" have df 1 and the
        // output's other n-grams df 0 (counted as 1), so every weight is w = ln 2 - ln 1.
        // Unigrams: ref {a, b}, output {a..h}: clipped dot product = 2 w^2,
        // norms sqrt(2) w and sqrt(8) w: cosine 2 / 4 = 0.5. Bigrams: dot w^2, norms w and sqrt(7) w:
        // 1/sqrt(7). Score = 10 * (0.5 + 1/sqrt(7) + 0 + 0) / 4 * e^(-0.5). Segment 2 ("c d" vs
        // "x y") shares nothing: 0.
        double expected = 10 * (0.5 + 1 / Math.sqrt(7)) / 4 * Math.exp(-0.5) / 2;
        double cider = CiderD.score(List.of(List.of("a b"), List.of("x y")), List.of("a b c d e f g h", "c d"));
        assertThat(cider).isCloseTo(expected, within(1e-12));
    }
}
