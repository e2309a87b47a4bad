package dev.lora.tokenizer;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The built-in encoding and one built from GPT-2's own encoder.json + vocab.bpe must be the same tokenizer. */
class Gpt2FilesAgreementTest {
    private static final Gpt2Tokenizer builtIn = Gpt2Tokenizer.builtIn();

    /** Each test skips on its own when the files are absent (a skipped @BeforeAll would hide the count). */
    private static Gpt2Tokenizer fromFiles() {
        SharedData.require("gpt2/encoder.json");
        SharedData.require("gpt2/vocab.bpe");
        return FromFiles.TOK;
    }

    private static final class FromFiles {
        static final Gpt2Tokenizer TOK = Gpt2Tokenizer.fromFiles(
                SharedData.require("gpt2/encoder.json"), SharedData.require("gpt2/vocab.bpe"));
    }

    @Test
    void sameSizes() {
        Gpt2Tokenizer fromFiles = fromFiles();
        assertThat(fromFiles.vocabSize()).isEqualTo(50257);
        assertThat(fromFiles.eosId()).isEqualTo(50256);
        // GPT-2's merge ranks (bytes first, then merges in file order) are exactly its vocabulary ids.
        assertThat(((BytePairTokenizer) fromFiles).idsAreRanks()).isTrue();
    }

    @Test
    void sameDecodingOfEveryId() {
        Gpt2Tokenizer fromFiles = fromFiles();
        for (int id = 0; id < 50257; id++) {
            assertThat(fromFiles.decodeBytes(new int[] {id})).as("id %d", id).isEqualTo(builtIn.decodeBytes(new int[] {id}));
        }
    }

    @Test
    void sameIdsOnValidSet() throws Exception {
        checkEveryLine(SharedData.require("e2e/valid.txt"));
    }

    @Test
    void sameIdsOnTestSet() throws Exception {
        checkEveryLine(SharedData.require("e2e/test.txt"));
    }

    private static void checkEveryLine(Path file) throws Exception {
        Gpt2Tokenizer fromFiles = fromFiles();
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            int sep = line.indexOf("||");
            for (String s : new String[] {line, line.substring(0, sep), line.substring(sep + 2), " " + line.substring(sep + 2)}) {
                int[] ids = builtIn.encode(s);
                assertThat(fromFiles.encode(s)).as(s).containsExactly(ids);
                assertThat(builtIn.decode(ids)).isEqualTo(s);
                assertThat(fromFiles.decode(ids)).isEqualTo(s);
            }
        }
    }
}
