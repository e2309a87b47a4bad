package dev.lora.eval.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BleuTest {

    private static List<String> t(String s) {
        return s.isEmpty() ? List.of() : List.of(s.split(" "));
    }

    @Test
    void clippedPrecisionsOfOneSentence() {
        // hyp "the cat sat on the mat", ref "the cat sat on a mat" (both 6 words, so BP = 1):
        // 1-grams 5/6 ("the" clipped to 1), 2-grams 3/5, 3-grams 2/4, 4-grams 1/3
        // BLEU = (5/6 * 3/5 * 2/4 * 1/3)^(1/4) = (1/12)^(1/4) = 0.537284965911771
        double bleu = Bleu.score(List.of(List.of(t("the cat sat on a mat"))), List.of(t("the cat sat on the mat")));
        assertThat(bleu).isCloseTo(Math.pow(1.0 / 12, 0.25), within(1e-12));
    }

    @Test
    void closestReferenceLengthPrefersTheShorterOnTiesAndSkipsEmptyPadding() {
        // mteval's own example: hypothesis of 7 words, references of 11, 8, 6 and 7 words -> 7
        assertThat(Bleu.closestReferenceLength(List.of(n(11), n(8), n(6), n(7)), 7)).isEqualTo(7);
        // 8 and 6 are both 1 away from 7: the shorter wins
        assertThat(Bleu.closestReferenceLength(List.of(n(8), n(6)), 7)).isEqualTo(6);
        // an empty (padding) reference would be closest to 1 but is skipped
        assertThat(Bleu.closestReferenceLength(List.of(n(0), n(5)), 1)).isEqualTo(5);
    }

    @Test
    void brevityPenaltyAndSmoothingOfZeroMatches() {
        // 8 hypothesis words against a reference length of 10: BP = exp(1 - 10/8) = exp(-0.25).
        // Precisions 8/8, 4/7, 2/6 and no 4-gram match out of 5: mteval counts the first zero as
        // 1/(2 * 5), so BLEU = exp(-0.25) * (1 * 4/7 * 2/6 * 1/10)^(1/4).
        double bleu = Bleu.fromCounts(10, new long[]{0, 8, 4, 2, 0}, new long[]{0, 8, 7, 6, 5});
        assertThat(bleu).isCloseTo(Math.exp(-0.25) * Math.pow(4.0 / 7 * 2 / 6 / 10, 0.25), within(1e-12));
    }

    @Test
    void emptyOutputScoresZero() {
        assertThat(Bleu.score(List.of(List.of(t("a b"))), List.of(t("")))).isZero();
    }

    private static List<String> n(int length) {
        return java.util.Collections.nCopies(length, "w");
    }
}
