package dev.lora.eval.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MultiBleuTest {
    @Test
    void identicalTextScoresOneHundred() {
        assertThat(MultiBleu.score(List.of(List.of("The cat sat on the mat.")), List.of("The cat sat on the mat.")))
                .isCloseTo(100.0, within(1e-12));
    }

    /**
     * By hand: segment 1 has 7 tokens ("." split off), all matched; segment 2's "y" misses. Precisions 7/8, 6/6,
     * 5/5, 4/4, lengths 8 and 8: BLEU = 100 (7/8)^(1/4). And without any 4-gram (three words) there is no
     * smoothing: the score is 0 even for an exact copy.
     */
    @Test
    void unsmoothedPrecisions() {
        assertThat(MultiBleu.score(List.of(List.of("The cat sat on the mat."), List.of("x")),
                List.of("The cat sat on the mat.", "y"))).isCloseTo(100 * Math.pow(7.0 / 8, 0.25), within(1e-12));
        assertThat(MultiBleu.score(List.of(List.of("a b c")), List.of("a b c"))).isCloseTo(0.0, within(1e-12));
    }

    /**
     * By hand: hypothesis "a b c d e f" (6 tokens) against "a b c d e f g h" and "a b c d e f g": every n-gram
     * matches (precisions 1), the closest reference has 7 tokens, BP = exp(1 - 7/6).
     */
    @Test
    void brevityPenaltyFromTheClosestReference() {
        assertThat(MultiBleu.score(List.of(List.of("a b c d e f g h", "a b c d e f g")), List.of("a b c d e f")))
                .isCloseTo(100 * Math.exp(1 - 7.0 / 6), within(1e-12));
    }

    /** Case is kept (unlike the E2E scorer) and an empty reference is a reference of length 0. */
    @Test
    void caseKeptAndEmptyReferencesCount() {
        assertThat(MtevalTokenizer.tokenizeCased(" It's 3.5, OK!\u00a0x")).containsExactly("It's", "3.5", ",", "OK", "!", "\u00a0x");
        // Segment 1: four words against "" and eight words: 0 is as close as 8 and the shorter is taken. With
        // segment 2's 4, the reference length is 4 against 8 output words: no penalty, and every n-gram matches.
        // Had the empty reference been skipped, the reference length would be 12 and BP = exp(1 - 12/8).
        assertThat(MultiBleu.score(List.of(List.of("", "a b c d e f g h"), List.of("a b c d")), List.of("a b c d", "a b c d")))
                .isCloseTo(100.0, within(1e-12));
    }
}
