package dev.lora.eval.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class NistTest {

    private static final double LOG2_3 = Math.log(3) / Math.log(2);
    private static final double LOG2_6 = Math.log(6) / Math.log(2);

    private static List<String> t(String s) {
        return List.of(s.split(" "));
    }

    @Test
    void informationWeightsAndLengthPenaltyOfOneSegment() {
        // ref "a a b": counts a=2, b=1, "a a"=1, "a b"=1 out of 3 words.
        // info(a) = log2(3/2), info(b) = log2(3), info("a b") = -log2(count("a b")/count("a")) = 1.
        // hyp "a b": unigram info (log2(1.5) + log2(3)) / 2 words, bigram info 1 / 1 bigram.
        // Length ratio 2/3: the penalty is defined to be exactly 0.5 there.
        double expected = ((Math.log(1.5) / Math.log(2) + LOG2_3) / 2 + 1) * 0.5;
        double nist = Nist.score(List.of(List.of(t("a a b"))), List.of(t("a b")));
        assertThat(nist).isCloseTo(expected, within(1e-12));
    }

    @Test
    void referenceLengthUsesTheMeanNumberOfReferencesPerSegment() {
        // Segment 1 has two references "a b", segment 2 one reference "c d" (E2E groups vary in size).
        // Counts over all references: a=2, b=2, c=1, d=1, "a b"=2, "c d"=1 of 6 words:
        // info(a) = info(b) = log2(3), info(c) = log2(6), info("a b") = 0.
        // hyps "a b" and "c": unigram info (2 log2(3) + log2(6)) / 3 words; bigram info 0 / 1.
        // Reference length = 6 words / (3 references / 2 segments) = 4, so the ratio is 3/4
        // (plain mteval would divide by 2 reference sets: 6/2 = 3, no penalty).
        double beta = -Math.log(0.5) / Math.pow(Math.log(1.5), 2);
        double penalty = Math.exp(-beta * Math.pow(Math.log(0.75), 2));
        double expected = (2 * LOG2_3 + LOG2_6) / 3 * penalty;
        double nist = Nist.score(List.of(List.of(t("a b"), t("a b")), List.of(t("c d"))), List.of(t("a b"), t("c")));
        assertThat(nist).isCloseTo(expected, within(1e-12));
    }

    @Test
    void lengthPenaltyBounds() {
        assertThat(Nist.lengthPenalty(1.2)).isEqualTo(1.0);
        assertThat(Nist.lengthPenalty(0.0)).isEqualTo(0.0);
        assertThat(Nist.lengthPenalty(2.0 / 3)).isCloseTo(0.5, within(1e-12));
    }
}
