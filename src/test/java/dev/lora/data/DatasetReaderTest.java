package dev.lora.data;

import dev.lora.io.InputError;
import dev.lora.tokenizer.Gpt2Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatasetReaderTest {
    private static final Gpt2Tokenizer TOK = Gpt2Tokenizer.builtIn();
    private static final int EOS = 50256;

    /**
     * "name : Café Sicilia | price : £20" + eos + " Nice é place ." + eos, ids from a separate run of OpenAI's
     * reference GPT-2 encoder (encoder.py on vocab.bpe).
     */
    private static final int[] SMALL = {3672, 1058, 42151, 28799, 17517, 930, 2756, 1058, 4248, 1238, EOS,
            18460, 38251, 1295, 764, EOS};
    private static final String SMALL_CONTEXT = "name : Café Sicilia | price : £20";
    private static final String SMALL_COMPLETION = "Nice é place .";

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private static Dataset read(Path file) {
        return DatasetReader.read(file, TOK, 1024);
    }

    private void assertInputError(Path file, String... parts) {
        assertThatThrownBy(() -> read(file)).isInstanceOf(InputError.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(parts));
    }

    @Test
    void txtLineBecomesContextEosSpaceCompletionEos() throws IOException {
        // Trailing space as in the E2E files: stripped like LoRA's converter does.
        Dataset d = read(write("small.txt", SMALL_CONTEXT + "||" + SMALL_COMPLETION + " \n"));
        assertThat(d.examples()).singleElement().satisfies(ex -> {
            assertThat(ex.tokens()).containsExactly(SMALL);
            assertThat(ex.completionStart()).isEqualTo(11);
            assertThat(ex.lossTokens()).isEqualTo(5);
        });
        assertThat(d.raw()).containsExactly(new RawExample(SMALL_CONTEXT, SMALL_COMPLETION, 1));
        assertThat(d.truncated()).isZero();
    }

    @Test
    void txtLayoutFromTokenizerPieces() throws IOException {
        Dataset d = read(write("pieces.txt", "ctx a||completion b\n"));
        int[] ctx = TOK.encode("ctx a");
        int[] comp = TOK.encode(" completion b");
        int[] expected = new int[ctx.length + comp.length + 2];
        System.arraycopy(ctx, 0, expected, 0, ctx.length);
        expected[ctx.length] = EOS;
        System.arraycopy(comp, 0, expected, ctx.length + 1, comp.length);
        expected[expected.length - 1] = EOS;
        assertThat(d.examples().get(0).tokens()).containsExactly(expected);
        assertThat(d.examples().get(0).completionStart()).isEqualTo(ctx.length + 1);
    }

    @Test
    void txtSkipsBlankLinesAndKeepsFileLineNumbers() throws IOException {
        Dataset d = read(write("blank.txt", "\r\na||x\r\n   \r\nb||y||z\r\n"));
        assertThat(d.raw()).containsExactly(new RawExample("a", "x", 2), new RawExample("b", "y||z", 4));
    }

    @Test
    void jsonlWithTextGivesSameIdsAsTxt() throws IOException {
        Dataset d = read(write("small.jsonl",
                "{\"context\": \"" + SMALL_CONTEXT + "\", \"completion\": \"" + SMALL_COMPLETION + "\", \"other\": 1}\n\n"));
        assertThat(d.examples()).singleElement().satisfies(ex -> {
            assertThat(ex.tokens()).containsExactly(SMALL);
            assertThat(ex.completionStart()).isEqualTo(11);
        });
        assertThat(d.raw()).containsExactly(new RawExample(SMALL_CONTEXT, SMALL_COMPLETION, 1));
    }

    /** A DART .json goes through the same layout: its pair "Café Sicilia : price : £20" tokenised as the .txt's. */
    @Test
    void tripleJsonGivesTheSameLayoutAsTxt() throws IOException {
        Dataset d = read(write("dart.json", "[{\"tripleset\": [[\"Café Sicilia\", \"PRICE\", \"£20\"]],"
                + " \"annotations\": [{\"text\": \"" + SMALL_COMPLETION + "\"}]}]"));
        Dataset txt = read(write("same.txt", "Café Sicilia : price : £20||" + SMALL_COMPLETION + "\n"));
        assertThat(d.examples().get(0).tokens()).containsExactly(txt.examples().get(0).tokens());
        assertThat(d.examples().get(0).completionStart()).isEqualTo(txt.examples().get(0).completionStart());
        assertThat(Prompts.read(dir.resolve("dart.json"))).containsExactly(new Prompts("Café Sicilia : price : £20",
                "Café Sicilia : price : £20"));
    }

    @Test
    void jsonlWithIdsIsUsedVerbatim() throws IOException {
        // 64 = "a", 275 269 = " b c" (encoder.json ids)
        Dataset d = read(write("ids.jsonl", "{\"context\": [64, 50256], \"completion\": [275, 269, 50256]}\n"
                + "{\"context\": [7, 8, 9], \"completion\": [10]}\n"));
        assertThat(d.examples()).containsExactly(
                new Example(new int[] {64, EOS, 275, 269, EOS}, 2),
                new Example(new int[] {7, 8, 9, 10}, 3));
        assertThat(d.raw().get(0)).isEqualTo(new RawExample("a", "b c", 1));
    }

    @Test
    void longSequencesLoseContextFromTheLeft() throws IOException {
        Path f = write("long.txt", SMALL_CONTEXT + "||" + SMALL_COMPLETION + "\n");
        Dataset d = DatasetReader.read(f, TOK, 8);
        assertThat(d.examples().get(0)).isEqualTo(new Example(new int[] {4248, 1238, EOS, 18460, 38251, 1295, 764, EOS}, 3));
        assertThat(d.truncated()).isEqualTo(1);
        // The completion (5 tokens) and one context token just fit in 6.
        assertThat(DatasetReader.read(f, TOK, 6).examples().get(0))
                .isEqualTo(new Example(new int[] {EOS, 18460, 38251, 1295, 764, EOS}, 1));
        assertThat(DatasetReader.read(f, TOK, 16).truncated()).isZero();
    }

    @Test
    void completionThatCannotFitIsAnError() throws IOException {
        Path f = write("long.txt", "\n" + SMALL_CONTEXT + "||" + SMALL_COMPLETION + "\n");
        assertThatThrownBy(() -> DatasetReader.read(f, TOK, 5)).isInstanceOf(InputError.class)
                .hasMessageContaining("long.txt:2:").hasMessageContaining("5 tokens").hasMessageContaining("length of 5");
        Path ids = write("long.jsonl", "{\"context\": [1], \"completion\": [2, 3, 4]}\n");
        assertThatThrownBy(() -> DatasetReader.read(ids, TOK, 3)).isInstanceOf(InputError.class)
                .hasMessageContaining("long.jsonl:1:").hasMessageContaining("3 tokens");
    }

    @Test
    void txtErrorsNameFileAndLine() throws IOException {
        assertInputError(write("nosep.txt", "a||b\nno separator here\n"), "nosep.txt:2:", "||");
        assertInputError(write("nocomp.txt", "a||b\n\nc||   \n"), "nocomp.txt:3:", "empty completion");
        Path bad = dir.resolve("bad.txt");
        Files.write(bad, new byte[] {'a', '|', '|', 'b', '\n', 'c', '|', '|', (byte) 0xA3, '2', '0', '\n'});
        assertInputError(bad, "bad.txt:2:", "UTF-8");
    }

    @Test
    void emptyFilesAreErrors() throws IOException {
        assertInputError(write("empty.txt", ""), "empty.txt", "no examples");
        assertInputError(write("blank.txt", "\n  \n\n"), "blank.txt", "no examples");
        assertInputError(write("empty.jsonl", "\n"), "empty.jsonl", "no examples");
    }

    @Test
    void jsonlErrorsNameFileAndLine() throws IOException {
        String ok = "{\"context\": \"a\", \"completion\": \"b\"}\n";
        assertInputError(write("syntax.jsonl", ok + "{\"context\": \"a\", \"completion\": }\n"), "syntax.jsonl:2:", "JSON");
        assertInputError(write("trailing.jsonl", ok + ok.strip() + " 5\n"), "trailing.jsonl:2:", "JSON");
        assertInputError(write("array.jsonl", ok + "[1, 2]\n"), "array.jsonl:2:", "object");
        assertInputError(write("missing.jsonl", ok + "{\"context\": \"a\"}\n"), "missing.jsonl:2:", "\"completion\"");
        assertInputError(write("number.jsonl", ok + "{\"context\": 5, \"completion\": \"b\"}\n"), "number.jsonl:2:",
                "a number");
        assertInputError(write("null.jsonl", ok + "{\"context\": \"a\", \"completion\": null}\n"), "null.jsonl:2:", "null");
        assertInputError(write("mixed.jsonl", ok + "{\"context\": \"a\", \"completion\": [1]}\n"), "mixed.jsonl:2:",
                "both be strings or both be arrays");
        assertInputError(write("dup.jsonl", ok + "{\"context\": \"a\", \"context\": \"c\", \"completion\": \"b\"}\n"),
                "dup.jsonl:2:", "context");
        assertInputError(write("emptycomp.jsonl", ok + "{\"context\": \"a\", \"completion\": \"\"}\n"),
                "emptycomp.jsonl:2:", "empty");
    }

    @Test
    void jsonlIdErrorsNameFileAndLine() throws IOException {
        String ok = "{\"context\": [1], \"completion\": [2]}\n";
        assertInputError(write("big.jsonl", ok + "{\"context\": [1], \"completion\": [2, 50257]}\n"), "big.jsonl:2:",
                "\"completion\"[1]", "50257", "[0, 50257)");
        assertInputError(write("neg.jsonl", ok + "{\"context\": [-1], \"completion\": [2]}\n"), "neg.jsonl:2:", "-1");
        assertInputError(write("float.jsonl", ok + "{\"context\": [1.5], \"completion\": [2]}\n"), "float.jsonl:2:", "1.5");
        assertInputError(write("str.jsonl", ok + "{\"context\": [\"1\"], \"completion\": [2]}\n"), "str.jsonl:2:",
                "\"context\"[0]");
        assertInputError(write("huge.jsonl", ok + "{\"context\": [99999999999], \"completion\": [2]}\n"), "huge.jsonl:2:",
                "99999999999");
        assertInputError(write("noctx.jsonl", ok + "{\"context\": [], \"completion\": [2]}\n"), "noctx.jsonl:2:",
                "\"context\"");
        assertInputError(write("nocomp.jsonl", ok + "{\"context\": [1], \"completion\": []}\n"), "nocomp.jsonl:2:",
                "\"completion\"");
    }

    @Test
    void unknownExtensionOrMissingFile() throws IOException {
        assertInputError(write("data.parquet", "a||b\n"), "data.parquet", ".txt", ".jsonl", ".csv");
        assertInputError(dir.resolve("absent.txt"), "absent.txt");
    }

    @Test
    void readsChallengeCsvAsLoraFormatPairs() throws IOException {
        Path f = write("dev.csv", "mr,ref\n\"name[Alimentum], area[city centre]\",\"Alimentum is central.\"\n");
        Dataset d = DatasetReader.read(f, TOK, 512);
        String context = "name : Alimentum | area : city centre";
        assertThat(d.raw()).containsExactly(new RawExample(context, "Alimentum is central.", 2));
        int[] prompt = PromptFormat.promptTokens(TOK, context);
        int[] completion = PromptFormat.completionTokens(TOK, "Alimentum is central.");
        assertThat(d.examples().get(0).completionStart()).isEqualTo(prompt.length);
        assertThat(d.examples().get(0).length()).isEqualTo(prompt.length + completion.length);
        assertInputError(write("mr-only.csv", "mr\n\"name[A]\"\n"), "mr-only.csv:2", "ref");
    }

    @Test
    void rejectsImpossibleMaxLength() throws IOException {
        Path f = write("a.txt", "a||b\n");
        assertThatThrownBy(() -> DatasetReader.read(f, TOK, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
