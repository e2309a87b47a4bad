package dev.lora.eval.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TerTest {
    private static List<String> w(String s) {
        return s.isEmpty() ? List.of() : List.of(s.split(" "));
    }

    /** By hand: moving "c d e" to the front (or "a b" to the end) is one shift, after which nothing differs: 1/5. */
    @Test
    void oneShiftOfAPhrase() {
        assertThat(Ter.sentence(w("a b c d e"), w("c d e a b"))).isEqualTo(1.0 / 5);
    }

    /**
     * By hand, pyter's own example (Snover et al.'s): shifting "THIS WEEK" after "denied" (1), then substituting
     * THE->SAUDI, SAUDIS->ARABIA (2) and inserting AMERICAN (1): 4 edits over 13 reference words.
     */
    @Test
    void snoverExampleWithShiftSubstitutionsAndInsertion() {
        assertThat(Ter.sentence(w("THIS WEEK THE SAUDIS denied information published in the new york times"),
                w("SAUDI ARABIA denied THIS WEEK information published in the AMERICAN new york times")))
                .isCloseTo(4.0 / 13, within(1e-15));
    }

    /** Without shared words no shift exists: the Levenshtein distance alone, 4 edits over 4 words; empty output: all deletions. */
    @Test
    void withoutSharedWordsOnlyEdits() {
        assertThat(Ter.sentence(w("x y z"), w("a b c d"))).isEqualTo(1.0);
        assertThat(Ter.sentence(w(""), w("a b"))).isEqualTo(1.0);
    }

    /** GenerationEval's ter_score: the best reference per segment, an empty reference scores 1, the mean over segments. */
    @Test
    void corpusTakesTheBestReferenceAndAverages() {
        double ter = Ter.corpus(List.of(List.of("a b c", ""), List.of("", "")), List.of("a b c", "q"), 2);
        assertThat(ter).isEqualTo((0.0 + 1.0) / 2);
    }

    /** The bit-parallel distance against the plain dynamic programme, on random word sequences of 1 to 64 words. */
    @Test
    void bitParallelDistanceEqualsTheDynamicProgramme() {
        java.util.Random random = new java.util.Random(7);
        for (int trial = 0; trial < 2000; trial++) {
            int[] ref = random.ints(1 + random.nextInt(64), 0, 6).toArray();
            int[] hyp = random.ints(random.nextInt(70), 0, 7).toArray();
            assertThat(new Ter.Distance(ref, 7).to(hyp)).isEqualTo(Ter.editDistance(hyp, ref));
        }
    }
}
