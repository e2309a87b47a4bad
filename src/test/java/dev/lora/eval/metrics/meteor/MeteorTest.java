package dev.lora.eval.metrics.meteor;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MeteorTest {

    private final MeteorAligner aligner = new MeteorAligner(Meteor.snowballEnglish(), MeteorResources.none());

    private double segment(String hyp, String... refs) {
        return Meteor.segment(aligner, List.of(refs), hyp).score();
    }

    @Test
    void identicalSentenceScoresOne() {
        // P = R = 1, one chunk covering everything: no fragmentation penalty.
        assertThat(segment("the cat sat", "the cat sat")).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void swappedWordsPayTheFragmentationPenalty() {
        // "cat the" vs "the cat": both words match exactly ("the" is a function word, "cat" content),
        // P = R = (0.75 * 1 + 0.25 * 1) / (0.75 * 1 + 0.25 * 1) = 1, but 2 chunks for 2 matches:
        // frag = 2 / ((2 + 2) / 2) = 1, penalty = 0.6 * 1^0.2 = 0.6, score = 1 * (1 - 0.6) = 0.4.
        assertThat(segment("cat the", "the cat")).isCloseTo(0.4, within(1e-12));
    }

    @Test
    void stemMatchesCountWithWeightPointSix() {
        // Snowball: cats -> cat, sleeping/sleeps -> sleep. Two stem matches of content words in one
        // chunk covering both sentences: P = R = 0.6 * 0.75 * 2 / (0.75 * 2) = 0.6, no penalty.
        assertThat(segment("cats sleeping", "cat sleeps")).isCloseTo(0.6, within(1e-12));
    }

    @Test
    void bestReferenceIsKept() {
        assertThat(segment("cat dog", "dog cat", "cat dog")).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void corpusScoreComesFromSummedStatisticsWithoutChunksOfPerfectSegments() {
        // Segment 1 "cat dog" = ref: perfect, its chunk is not added. Segment 2 "dog cat" vs
        // "cat dog": 2 chunks. Sums: 4 hyp and 4 ref content words, all matched exactly, 2 chunks.
        // P = R = 1; frag = 2 / ((4 + 4) / 2) = 0.5; score = 1 - 0.6 * 0.5^0.2.
        double corpus = Meteor.score(List.of(List.of("cat dog"), List.of("cat dog")), List.of("cat dog", "dog cat"), MeteorResources.none());
        assertThat(corpus).isCloseTo(1 - 0.6 * Math.pow(0.5, 0.2), within(1e-12));
    }

    @Test
    void unrelatedOutputScoresZero() {
        assertThat(segment("xylophone", "cat dog")).isZero();
    }

    @Test
    void normaliserSplitsHyphensApostrophesAndUndotsAcronyms() {
        // METEOR replaces word-internal hyphens by spaces, splits "'s" into "'" "s", undots "u.s.",
        // and splits a final full stop unless a lower-case word follows.
        assertThat(MeteorNormalizer.words("family-friendly it 's the u.s. a center. near end."))
                .containsExactly("family", "friendly", "it", "'", "s", "the", "us", "a", "center.", "near", "end", ".");
    }
}
