package dev.lora.eval.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ChrFTest {
    /**
     * An exact copy scores 1 only if every order exists: "abcdef gh" has character 6-grams and a word bigram. "abc"
     * has neither, so its character 4- to 6-grams and word bigrams count as F = 1e-16: (3 + 1) / 8 = 0.5.
     */
    @Test
    void anExactCopyScoresOneWhenEveryOrderExists() {
        assertThat(ChrF.corpus(List.of(List.of("abcdef gh")), List.of("abcdef gh"), 1)).isCloseTo(1.0, within(1e-15));
        assertThat(ChrF.corpus(List.of(List.of("abc")), List.of("abc"), 1)).isCloseTo(0.5, within(1e-15));
    }

    /**
     * By hand, hypothesis "ab" against reference "ac" (beta 2, so F = 5PR/(4P+R)): character unigrams match 1 of 2
     * each way, F = 5(.5)(.5)/(2.5) = 0.5; character bigrams "ab"/"ac" match nothing (P = R = 0, so the script's
     * 1e-16); character 3- to 6-grams and word bigrams do not exist on either side (P = R = 1e-16, F = 1e-16); the
     * word unigrams "ab"/"ac" do not match (1e-16). Corpus chrF++ = (0.5 + 7e-16) / 8.
     */
    @Test
    void handWorkedCharacterAndWordOrders() {
        assertThat(ChrF.corpus(List.of(List.of("ac")), List.of("ab"), 1)).isCloseTo((0.5 + 7e-16) / 8, within(1e-16)); // summed in another order: the last bits differ
    }

    /** Words lose one ASCII punctuation mark from their end, else from their start; single characters stay. */
    @Test
    void wordsSplitOnePunctuationMark() {
        assertThat(ChrF.words("Hello, (world) ! «x»")).containsExactly("Hello", ",", "(world", ")", "!", "«x»");
        assertThat(ChrF.characters(" a b\tc ")).containsExactly("a", "b", "\t", "c");
    }

    /** Blank-only reference groups are left out, and the best reference of each segment is the one used. */
    @Test
    void bestReferenceAndBlankGroups() {
        double one = ChrF.corpus(List.of(List.of("zzz yyy", "abcdef gh")), List.of("abcdef gh"), 2);
        assertThat(one).isCloseTo(1.0, within(1e-15));
        assertThat(ChrF.corpus(List.of(List.of("abcdef gh"), List.of(" ", "")), List.of("abcdef gh", "q"), 2))
                .isCloseTo(1.0, within(1e-15));
    }
}
