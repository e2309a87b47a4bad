package dev.lora.data;

import dev.lora.tokenizer.Gpt2Tokenizer;
import dev.lora.tokenizer.SharedData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The LoRA paper's E2E validation and test files load whole; counts from ../shared/data/README.md. */
class E2eSplitsTest {
    private static final Gpt2Tokenizer TOK = Gpt2Tokenizer.builtIn();

    @Test
    void validSet() throws IOException {
        check(SharedData.require("e2e/valid.txt"), 4672, 547);
    }

    @Test
    void testSet() throws IOException {
        check(SharedData.require("e2e/test.txt"), 4693, 630);
    }

    private static void check(Path file, int examples, int contexts) throws IOException {
        Dataset d = DatasetReader.read(file, TOK, 512);
        assertThat(d.size()).isEqualTo(examples);
        assertThat(d.truncated()).isZero();
        for (Example ex : d.examples()) {
            assertThat(ex.tokens()[ex.completionStart() - 1]).isEqualTo(TOK.eosId());
            assertThat(ex.tokens()[ex.length() - 1]).isEqualTo(TOK.eosId());
        }

        List<ContextGroup> groups = d.contextGroups();
        assertThat(groups).hasSize(contexts);
        assertThat(groups.stream().mapToInt(g -> g.references().size()).sum()).isEqualTo(examples);

        // First group checked against the file itself: its references are the leading lines sharing line 1's MR.
        List<String> lines = Files.readAllLines(file);
        String mr = lines.get(0).substring(0, lines.get(0).indexOf("||"));
        long leading = lines.stream().takeWhile(l -> l.startsWith(mr + "||")).count();
        ContextGroup first = groups.get(0);
        assertThat(first.context()).isEqualTo(mr);
        assertThat(first.firstIndex()).isZero();
        assertThat(first.references()).hasSize((int) leading);
        assertThat(first.references().get(0)).isEqualTo(lines.get(0).substring(mr.length() + 2).strip());
        assertThat(first.references()).allSatisfy(r -> assertThat(r).doesNotEndWith(" "));
    }
}
