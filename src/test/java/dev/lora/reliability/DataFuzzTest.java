package dev.lora.reliability;

import dev.lora.data.Dataset;
import dev.lora.data.DatasetReader;
import dev.lora.data.Example;
import dev.lora.tokenizer.Gpt2Tokenizer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutated training data (.txt and .jsonl, from fixtures/ and E2E-style lines) read at a random maximum
 * length: the reader answers with examples that fit, or an InputError naming the file.
 */
class DataFuzzTest {
    /** E2E lines with what real files have: a BOM, CRLF, a trailing space, non-ASCII, '||' in the completion. */
    private static final String TXT = "\uFEFFname : The Vaults | Type : pub | food : French||The Vaults is a French pub . \r\n"
            + "name : Café Sicilia | price : £20||Nice é place .\n\n"
            + "name : Aromi||Aromi || a coffee shop .\n"
            + "||empty context\n"
            + "name : 😀 | near : Ärzte||Emoji place\twith tab .";
    private static final String JSONL_TEXT = "{\"context\": \"name : Aromi | food : Chinese\", \"completion\": \"Aromi serves food .\"}\n"
            + "{\"context\": \"\\u00e9\\n\", \"completion\": \"x\", \"extra\": [1, {\"a\": null}]}\n"
            + "\n{\"completion\": \"b\", \"context\": \"a\"}\n";

    private record Seed(String name, byte[] bytes) {
    }

    @Test
    void onlyInputErrorsAndExamplesFit() throws Exception {
        List<Seed> seeds = List.of(
                new Seed("train.txt", TXT.getBytes(StandardCharsets.UTF_8)),
                new Seed("train.jsonl", JSONL_TEXT.getBytes(StandardCharsets.UTF_8)),
                new Seed("train.jsonl", Scratch.read(Scratch.DATA)),
                new Seed("train.jsonl", Scratch.read(Scratch.FIXTURES.resolve("loss.jsonl"))));
        Gpt2Tokenizer tok = Gpt2Tokenizer.builtIn();
        Fuzz.Stats stats = Fuzz.run("data", 2500, "data", rng -> {
            Seed s = seeds.get(rng.nextInt(seeds.size()));
            Fuzz.Mutant m = Mutations.any(s.bytes(), rng, 0.6);
            return new Fuzz.Mutant(m.bytes(), s.name() + ": " + m.how());
        }, (file, rng) -> {
            // The extension picks the reader: mostly the one the content was made for, sometimes the other.
            boolean json = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip().startsWith("{");
            Path named = file.resolveSibling(json == (rng.nextInt(8) > 0) ? "train.jsonl" : "train.txt");
            Files.move(file, named, StandardCopyOption.REPLACE_EXISTING);
            int maxSeqLen = 2 + rng.nextInt(rng.nextInt(4) == 0 ? 8 : 100);
            Dataset d = DatasetReader.read(named, tok, maxSeqLen);
            assertThat(d.examples()).isNotEmpty().hasSameSizeAs(d.raw());
            for (Example e : d.examples()) {
                assertThat(e.length()).isLessThanOrEqualTo(maxSeqLen);
                assertThat(e.completionStart()).isBetween(1, e.length() - 1);
                for (int id : e.tokens()) assertThat(id).isBetween(0, tok.vocabSize() - 1);
            }
        }, 256);
        stats.requireAccepted(0.05);
    }
}
