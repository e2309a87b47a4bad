package dev.lora.eval.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MtevalTokenizerTest {

    @Test
    void splitsPunctuationButKeepsNumbersApostrophesAndWordHyphens() {
        // By mteval's rules: "!" and ";" are in the punctuation class; "," and "." split unless next to
        // digits on the relevant side ("3.5" stays); "'" is not in the class ("it's" stays); "-" splits
        // only after a digit ("20-25" -> "20 - 25", "family-friendly" stays).
        assertThat(MtevalTokenizer.tokenize("Hello, World! It's 3.5 stars; 20-25 and family-friendly."))
                .containsExactly("hello", ",", "world", "!", "it's", "3.5", "stars", ";", "20", "-", "25", "and",
                        "family-friendly", ".");
    }

    @Test
    void lowerCasesAsciiOnlyAndDecodesEntities() {
        // tr/[A-Z]/[a-z]/ leaves "É" alone; &amp; becomes "&", which is then split off as punctuation.
        assertThat(MtevalTokenizer.tokenize("ÉCOLE &amp; Café")).containsExactly("École", "&", "café");
    }

    @Test
    void emptyOrBlankSegmentHasNoTokens() {
        assertThat(MtevalTokenizer.tokenize("  \t ")).isEmpty();
    }
}
