package dev.lora.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Gpt2TokenizerTest {
    private final Gpt2Tokenizer tok = Gpt2Tokenizer.builtIn();

    @Test
    void sizesAndEndOfText() {
        assertThat(tok.eosId()).isEqualTo(50256);
        assertThat(tok.vocabSize()).isEqualTo(50257);
        assertThat(tok.decode(new int[] {50256})).isEqualTo("<|endoftext|>");
    }

    @Test
    void knownIdsFromEncoderJson() throws IOException {
        JsonNode encoder = new ObjectMapper().readTree(SharedData.require("gpt2/encoder.json").toFile());
        // 'Ġ' is how encoder.json spells a leading space.
        assertThat(tok.encode("Hello world"))
                .containsExactly(encoder.get("Hello").asInt(), encoder.get("\u0120world").asInt());
        assertThat(tok.encode(" Hello")).containsExactly(encoder.get("\u0120Hello").asInt());
        assertThat(tok.encode(" restaurant")).containsExactly(encoder.get("\u0120restaurant").asInt());
        assertThat(tok.encode("||")).containsExactly(encoder.get("||").asInt());
    }

    /** Expected ids from a separate run of OpenAI's reference algorithm (encoder.py, pair ranks) on vocab.bpe. */
    @Test
    void matchesReferenceEncoder() {
        assertThat(tok.encode("Hello world")).containsExactly(15496, 995);
        assertThat(tok.encode(" Hello")).containsExactly(18435);
        assertThat(tok.encode("name : Alimentum | area : city centre | family friendly : no"))
                .containsExactly(3672, 1058, 978, 3681, 388, 930, 1989, 1058, 1748, 7372, 930, 1641, 8030, 1058, 645);
        assertThat(tok.encode("Café Sicilia é £")).containsExactly(34, 1878, 2634, 28799, 17517, 38251, 4248);
        assertThat(tok.encode("I'm here, they'll   go\n\n 123 4567 ok  "))
                .containsExactly(40, 1101, 994, 11, 484, 1183, 220, 220, 467, 628, 17031, 4153, 3134, 12876, 220, 220);
        assertThat(tok.encode(" €100 😀 naïve")).containsExactly(10432, 3064, 30325, 222, 41492);
    }

    @Test
    void endOfTextInsideTextIsPlainText() {
        int[] ids = tok.encode("a <|endoftext|> b");
        assertThat(ids).doesNotContain(50256);
        assertThat(tok.encode("<|endoftext|>")).containsExactly(27, 91, 437, 1659, 5239, 91, 29);
        assertThat(tok.decode(ids)).isEqualTo("a <|endoftext|> b");
    }

    @Test
    void roundTripsAwkwardText() {
        for (String s : new String[] {"", " ", "  leading and trailing  ", "tabs\tand\r\nnewlines\n", "£20 – 25 é ß 東京 😀",
                "x\u00A0y", "'s 'S'Ve"}) {
            assertThat(tok.decode(tok.encode(s))).as(s).isEqualTo(s);
        }
    }

    /**
     * Byte-level tokens can split a character; decoding must then give U+FFFD per maximal invalid subpart as
     * Python's errors="replace" does. Ids are encoder.json's single-byte tokens: 127 = byte C3, 169 = ED,
     * 254 = A0, 222 = 80, 158 = E2, 224 = 82; expected strings from Python's bytes.decode.
     */
    @Test
    void invalidUtf8DecodesToReplacementCharacters() {
        assertThat(tok.decode(new int[] {127})).isEqualTo("\uFFFD");
        assertThat(tok.decode(new int[] {169, 254, 222})).isEqualTo("\uFFFD\uFFFD\uFFFD");
        assertThat(tok.decode(new int[] {158, 224, 32})).isEqualTo("\uFFFDA");
        assertThat(tok.decodeBytes(new int[] {158, 224})).containsExactly(0xE2, 0x82);
    }

    @Test
    void rejectsIdsOutsideTheVocabulary() {
        assertThatThrownBy(() -> tok.decode(new int[] {50257})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("50257");
        assertThatThrownBy(() -> tok.decode(new int[] {-1})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void modelFolderWithoutTokenizerFilesUsesBuiltIn(@TempDir Path dir) {
        assertThat(Gpt2Tokenizer.forModelFolder(dir)).isSameAs(Gpt2Tokenizer.builtIn());
    }
}
