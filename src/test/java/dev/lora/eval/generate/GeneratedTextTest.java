package dev.lora.eval.generate;

import dev.lora.data.PythonText;
import dev.lora.tokenizer.Gpt2Tokenizer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GeneratedTextTest {
    @Test
    void decodesAndStripsLikePython() {
        Gpt2Tokenizer tok = Gpt2Tokenizer.builtIn();
        assertThat(GeneratedText.of(tok, tok.encode(" The Eagle is a coffee shop.\n"))).isEqualTo("The Eagle is a coffee shop.");
        assertThat(GeneratedText.of(tok, new int[0])).isEmpty();
        // Python's str.strip() also removes no-break spaces and U+0085, which Java's String.strip() keeps.
        assertThat(PythonText.strip("\u00a0\u0085 a b\u2007\u202f")).isEqualTo("a b");
        assertThat(PythonText.strip("\u200b")).isEqualTo("\u200b"); // zero-width space is not space
    }
}
