package dev.lora.eval.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RougeLTest {

    @Test
    void fMeasureOfLongestCommonSubsequence() {
        // hyp "a b c d", ref "a c d e f": LCS "a c d" = 3, P = 3/4, R = 3/5
        // F = (1 + 1.2^2) P R / (R + 1.2^2 P) = 2.44 * 0.45 / (0.6 + 1.08) = 1.098 / 1.68
        assertThat(RougeL.segment(List.of("a c d e f"), "a b c d")).isCloseTo(1.098 / 1.68, within(1e-12));
    }

    @Test
    void bestPrecisionAndBestRecallMayComeFromDifferentReferences() {
        // ref 1 "a b": LCS 2, P = 2/4, R = 2/2; ref 2 "a b c d e f g h": LCS 4, P = 4/4, R = 4/8.
        // max P = 1 and max R = 1, so F = 1 although neither reference alone gives 1.
        assertThat(RougeL.segment(List.of("a b", "a b c d e f g h"), "a b c d")).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void corpusScoreIsTheMeanOfSegments() {
        // segment 1 identical (F = 1), segment 2 nothing in common (F = 0)
        assertThat(RougeL.score(List.of(List.of("x y"), List.of("p q")), List.of("x y", "r s")))
                .isCloseTo(0.5, within(1e-12));
    }
}
