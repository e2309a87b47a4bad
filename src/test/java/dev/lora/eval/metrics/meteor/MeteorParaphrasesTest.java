package dev.lora.eval.metrics.meteor;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * METEOR's paraphrase module on a hand-made table. Its agreement with the official scorer on METEOR's full table
 * could not be checked here (the table is not available offline); these cases are worked out by hand from METEOR
 * 1.5's rules: module weight 0.6, search weight 0.5 with the search's integer truncation, delta 0.75, alpha 0.85.
 */
class MeteorParaphrasesTest {
    private static final Set<String> FUNCTION = Set.of("a", "on", "the", "by");

    private static MeteorAligner aligner(MeteorParaphrases table) {
        return new MeteorAligner(Meteor.snowballEnglish(), new MeteorResources(null, FUNCTION, true, Optional.empty(),
                Optional.ofNullable(table)));
    }

    @Test
    void theTableFindsMultiWordPhrasesShortestFirstInFileOrder() {
        MeteorParaphrases t = MeteorParaphrases.of("sea side", "coast", "sea", "ocean", "sea side", "seaside");
        int[] words = t.ids(List.of("the", "sea", "side"));
        assertThat(words[0]).isEqualTo(-1); // a word the table never uses
        List<MeteorParaphrases.Phrase> at1 = t.pathsAt(words, 1);
        assertThat(at1).extracting(MeteorParaphrases.Phrase::length).containsExactly(1, 2, 2);
        assertThat(t.pathsAt(words, 0)).isEmpty();
    }

    /**
     * "a cafe on the coast" against "a cafe on the sea side front", table "the sea side front" -> "the coast".
     * The paraphrase overlaps the exact match the~the, so the search decides. With a, cafe, on fixed (3 words each
     * side), taking the paraphrase adds (int)(2 x 0.5) = 1 and (int)(4 x 0.5) = 2, giving 4 + 5 = 9; taking the~the
     * adds 1 and 1, giving 8: the paraphrase wins. Then both sides are matched in one chunk.
     * Hypothesis: 2 content (cafe, coast), 3 function words, weighted length 0.75 x 2 + 0.25 x 3 = 2.25; matches
     * 1.0 x (0.75 cafe + 0.25 x 2 a, on) + 0.6 x (0.75 coast + 0.25 the) = 1.25 + 0.6 = 1.85. Reference: 4 content
     * (cafe, sea, side, front), 3 function, weighted length 3.75; matches 1.25 + 0.6 x (0.75 x 3 + 0.25) = 2.75.
     * METEOR = 1 / (0.15 / P + 0.85 / R) with P = 1.85 / 2.25, R = 2.75 / 3.75, and no fragmentation penalty.
     */
    @Test
    void aParaphraseBeatsTheExactMatchItOverlapsAndScoresByHand() {
        MeteorParaphrases t = MeteorParaphrases.of("the sea side front", "the coast");
        List<String> hyp = List.of("a", "cafe", "on", "the", "coast"), ref = List.of("a", "cafe", "on", "the", "sea", "side", "front");
        MeteorAligner.Alignment a = aligner(t).align(hyp, ref);
        assertThat(a.hypContentMatches()[MeteorAligner.PARAPHRASE]).isEqualTo(1);
        assertThat(a.hypFunctionMatches()[MeteorAligner.PARAPHRASE]).isEqualTo(1);
        assertThat(a.refContentMatches()[MeteorAligner.PARAPHRASE]).isEqualTo(3);
        assertThat(a.hypFunctionMatches()[MeteorAligner.EXACT]).as("a, on; not the").isEqualTo(2);
        assertThat(a.chunks()).isEqualTo(1);
        double expected = 1 / (0.15 / (1.85 / 2.25) + 0.85 / (2.75 / 3.75));
        assertThat(MeteorStats.of(a).score()).isCloseTo(expected, within(1e-12));
    }

    /**
     * Both directions: the table lists "sea side" -> "coast" only. With the reference saying "sea side", METEOR
     * looks the reference phrase up; with the hypothesis saying it, the hypothesis phrase. Either way the two words
     * match the one: by the~by the exact (function words), sea side~coast paraphrase, one chunk. Hypothesis "by the
     * coast": weighted length 0.75 + 0.25 x 2 = 1.25, matches 0.25 x 2 + 0.6 x 0.75 = 0.95; reference "by the sea
     * side": 0.75 x 2 + 0.5 = 2.0, matches 0.5 + 0.6 x 1.5 = 1.4.
     */
    @Test
    void phrasesAreLookedUpFromBothSides() {
        MeteorParaphrases t = MeteorParaphrases.of("sea side", "coast");
        double p = 0.95 / 1.25, r = 1.4 / 2.0;
        MeteorStats refSide = MeteorStats.of(aligner(t).align(List.of("by", "the", "coast"), List.of("by", "the", "sea", "side")));
        assertThat(refSide.score()).isCloseTo(1 / (0.15 / p + 0.85 / r), within(1e-12));
        // Sides swapped: precision and recall trade places.
        MeteorStats hypSide = MeteorStats.of(aligner(t).align(List.of("by", "the", "sea", "side"), List.of("by", "the", "coast")));
        assertThat(hypSide.score()).isCloseTo(1 / (0.15 / r + 0.85 / p), within(1e-12));
        // Without the table, coast matches nothing: the paraphrase is what raised the score.
        MeteorStats none = MeteorStats.of(aligner(null).align(List.of("by", "the", "coast"), List.of("by", "the", "sea", "side")));
        assertThat(none.score()).isLessThan(refSide.score());
    }
}
