package dev.lora.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lora.io.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A tiny GPT-2 style vocabulary written by the test, with ids deliberately not in merge order. */
class BpeFilesTest {
    @TempDir
    Path dir;

    /** GPT-2's bytes_to_unicode, written out here as in OpenAI's encoder.py (list order = GPT-2's byte order). */
    private static List<String> byteTokens() {
        List<Integer> bs = new ArrayList<>();
        for (int b = '!'; b <= '~'; b++) bs.add(b);
        for (int b = 0xA1; b <= 0xAC; b++) bs.add(b);
        for (int b = 0xAE; b <= 0xFF; b++) bs.add(b);
        List<Integer> cs = new ArrayList<>(bs);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (!bs.contains(b)) {
                bs.add(b);
                cs.add(256 + n++);
            }
        }
        List<String> out = new ArrayList<>();
        for (int c : cs) out.add(String.valueOf((char) c));
        return out;
    }

    /** Merges "h e", "l l", "he ll" get ids 0, 1, 2; the 256 bytes ids 3..258 in GPT-2 byte order; eos 259. */
    private Map<String, Integer> permutedVocab() {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        vocab.put("he", 0);
        vocab.put("ll", 1);
        vocab.put("hell", 2);
        List<String> bytes = byteTokens();
        for (int i = 0; i < bytes.size(); i++) vocab.put(bytes.get(i), 3 + i);
        vocab.put("<|endoftext|>", 259);
        return vocab;
    }

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    private Path vocab(Map<String, Integer> vocab) throws IOException {
        Path p = dir.resolve("vocab.json");
        new ObjectMapper().writeValue(p.toFile(), vocab);
        return p;
    }

    private static final String MERGES = "#version: 0.2\nh e\nl l\nhe ll\n";

    @Test
    void encodesToVocabIdsNotRanks() throws IOException {
        Gpt2Tokenizer tok = Gpt2Tokenizer.fromFiles(vocab(permutedVocab()), write("merges.txt", MERGES));
        assertThat(((BytePairTokenizer) tok).idsAreRanks()).isFalse();
        // "hello": h e l l o -> he l l o -> he ll o -> hell o. 'o' is byte 111, at position 111-33 = 78 of
        // GPT-2's byte order, so its id is 3 + 78 = 81.
        assertThat(tok.encode("hello")).containsExactly(2, 81);
        int space = 3 + byteTokens().indexOf("\u0120");
        assertThat(tok.encode("hello hello")).containsExactly(2, 81, space, 2, 81);
        assertThat(tok.eosId()).isEqualTo(259);
        assertThat(tok.vocabSize()).isEqualTo(260);
        assertThat(tok.decode(new int[] {2, 81, space, 0, 259})).isEqualTo("hello he<|endoftext|>");
        assertThat(tok.decode(tok.encode("£ é hell"))).isEqualTo("£ é hell");
    }

    @Test
    void modelFolderPrefersItsOwnFiles() throws IOException {
        vocab(permutedVocab());
        write("merges.txt", MERGES);
        Gpt2Tokenizer tok = Gpt2Tokenizer.forModelFolder(dir);
        assertThat(tok.vocabSize()).isEqualTo(260);
        assertThat(tok.source()).contains("vocab.json").contains("merges.txt");
    }

    @Test
    void mergeLineWithWrongShapeNamesLine() throws IOException {
        Path merges = write("merges.txt", "#version: 0.2\nh e\nl l x\n");
        Path vocab = vocab(permutedVocab());
        assertThatThrownBy(() -> Gpt2Tokenizer.fromFiles(vocab, merges)).isInstanceOf(InputError.class)
                .hasMessageContaining("merges.txt:3:");
    }

    @Test
    void mergeOfUnknownTokenNamesLine() throws IOException {
        Path merges = write("merges.txt", "#version: 0.2\nhe ll\n");
        Path vocab = vocab(permutedVocab());
        assertThatThrownBy(() -> Gpt2Tokenizer.fromFiles(vocab, merges)).isInstanceOf(InputError.class)
                .hasMessageContaining("merges.txt:2:").hasMessageContaining("'he'");
    }

    @Test
    void mergeWithCharacterOutsideAlphabetNamesLine() throws IOException {
        Path merges = write("merges.txt", "#version: 0.2\nh e\n\u4e00 e\n");
        Path vocab = vocab(permutedVocab());
        assertThatThrownBy(() -> Gpt2Tokenizer.fromFiles(vocab, merges)).isInstanceOf(InputError.class)
                .hasMessageContaining("merges.txt:3:").hasMessageContaining("alphabet");
    }

    @Test
    void duplicateMergeNamesBothLines() throws IOException {
        Path merges = write("merges.txt", "#version: 0.2\nh e\nl l\nh e\n");
        Path vocab = vocab(permutedVocab());
        assertThatThrownBy(() -> Gpt2Tokenizer.fromFiles(vocab, merges)).isInstanceOf(InputError.class)
                .hasMessageContaining("merges.txt:4:").hasMessageContaining("line 2");
    }

    @Test
    void mergeMissingFromVocabNamesVocab() throws IOException {
        Path merges = write("merges.txt", MERGES + "hell o\n");
        Map<String, Integer> v = permutedVocab();
        Path vocab = vocab(v);
        assertThatThrownBy(() -> Gpt2Tokenizer.fromFiles(vocab, merges)).isInstanceOf(InputError.class)
                .hasMessageContaining("vocab.json").hasMessageContaining("'hello'").hasMessageContaining("line 5");
    }

    @Test
    void vocabWithoutEndOfText() throws IOException {
        Map<String, Integer> v = permutedVocab();
        v.remove("<|endoftext|>");
        Path vocab = vocab(v);
        Path merges = write("merges.txt", MERGES);
        assertThatThrownBy(() -> Gpt2Tokenizer.fromFiles(vocab, merges)).isInstanceOf(InputError.class)
                .hasMessageContaining("vocab.json").hasMessageContaining("<|endoftext|>");
    }

    @Test
    void vocabWithGapInIds() throws IOException {
        Map<String, Integer> v = permutedVocab();
        v.put("<|endoftext|>", 300);
        Path vocab = vocab(v);
        Path merges = write("merges.txt", MERGES);
        assertThatThrownBy(() -> Gpt2Tokenizer.fromFiles(vocab, merges)).isInstanceOf(InputError.class)
                .hasMessageContaining("vocab.json").hasMessageContaining("259");
    }

    @Test
    void malformedVocabJsonNamesFileAndLine() throws IOException {
        Path merges = write("merges.txt", MERGES);
        Path broken = write("vocab.json", "{\n\"a\": 0,\n\"b\": 1,\n\"c\" 2\n}");
        assertThatThrownBy(() -> Gpt2Tokenizer.fromFiles(broken, merges)).isInstanceOf(InputError.class)
                .hasMessageContaining("vocab.json:4:");
        Path notObject = write("vocab.json", "[1, 2]");
        assertThatThrownBy(() -> Gpt2Tokenizer.fromFiles(notObject, merges)).isInstanceOf(InputError.class)
                .hasMessageContaining("vocab.json:1:").hasMessageContaining("object");
        Path badId = write("vocab.json", "{\"a\": 0,\n\"b\": \"1\"}");
        assertThatThrownBy(() -> Gpt2Tokenizer.fromFiles(badId, merges)).isInstanceOf(InputError.class)
                .hasMessageContaining("vocab.json:2:").hasMessageContaining("\"b\"");
        Path sharedId = write("vocab.json", "{\"a\": 0,\n\"b\": 0}");
        assertThatThrownBy(() -> Gpt2Tokenizer.fromFiles(sharedId, merges)).isInstanceOf(InputError.class)
                .hasMessageContaining("vocab.json:2:").hasMessageContaining("id 0");
    }

    @Test
    void missingFileIsAnInputError() throws IOException {
        Path merges = write("merges.txt", MERGES);
        assertThatThrownBy(() -> Gpt2Tokenizer.fromFiles(dir.resolve("absent.json"), merges))
                .isInstanceOf(InputError.class).hasMessageContaining("absent.json");
    }
}
