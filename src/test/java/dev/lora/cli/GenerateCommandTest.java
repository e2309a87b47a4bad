package dev.lora.cli;

import dev.lora.tokenizer.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * lora generate decodes as lora eval --metrics e2e does: for the same MRs, with the same options, its outputs are
 * eval's predictions, whether the MRs come from the challenge's testset.csv (no references) or one --prompt.
 */
class GenerateCommandTest {
    private static final String MODEL = "src/test/resources/fixtures/tiny-gpt2";
    private static final String ADAPTER = "src/test/resources/fixtures/train-parity/init-qv";
    private static final String[] DECODING = {"--beam", "3", "--max-new-tokens", "6", "--contexts-per-batch", "2"};

    @Test
    void testSetMrsGiveEvalsPredictionsAndTheChallengesTsv(@TempDir Path tmp) throws IOException {
        Path testset = SharedData.require("e2e/testset.csv"), withRefs = SharedData.require("e2e/testset_w_refs.csv");
        CliRun gen = CliRun.lora(concat(List.of("generate", "--model", MODEL, "--adapter", ADAPTER, "--data", testset.toString(),
                "--limit", "3", "--out", tmp.resolve("gen").toString())));
        assertThat(gen.status()).as(gen.err()).isZero();
        CliRun eval = CliRun.lora(concat(List.of("eval", "--model", MODEL, "--adapter", ADAPTER, "--data", withRefs.toString(),
                "--metrics", "e2e", "--limit", "3", "--out", tmp.resolve("eval").toString())));
        assertThat(eval.status()).as(eval.err()).isZero();

        List<String> outputs = Files.readAllLines(tmp.resolve("gen/predictions.txt"));
        assertThat(outputs).hasSize(3).isEqualTo(Files.readAllLines(tmp.resolve("eval/predictions.txt")));
        List<String> tsv = Files.readAllLines(tmp.resolve("gen/predictions.tsv"));
        assertThat(tsv).hasSize(4);
        assertThat(tsv.get(0)).isEqualTo("MR\toutput");
        assertThat(tsv.get(1)).isEqualTo("name[Blue Spice], eatType[coffee shop], area[city centre]\t" + outputs.get(0));
        assertThat(tsv.get(2)).startsWith("name[Blue Spice], eatType[coffee shop], area[riverside]\t");
    }

    @Test
    void onePromptIsPrintedAndEqualsEvalsPrediction(@TempDir Path tmp) throws IOException {
        String context = "name : Blue Spice | eatType : coffee shop | area : riverside";
        Path data = Files.writeString(tmp.resolve("one.txt"), context + "||Blue Spice is a coffee shop by the river.\n");
        CliRun eval = CliRun.lora(concat(List.of("eval", "--model", MODEL, "--data", data.toString(), "--metrics", "e2e",
                "--out", tmp.resolve("eval").toString())));
        assertThat(eval.status()).as(eval.err()).isZero();
        CliRun gen = CliRun.lora(concat(List.of("generate", "--model", MODEL, "--prompt", context)));
        assertThat(gen.status()).as(gen.err()).isZero();
        assertThat(gen.out().strip()).isEqualTo(Files.readAllLines(tmp.resolve("eval/predictions.txt")).get(0).strip());
    }

    @Test
    void inputsAreCheckedFirst(@TempDir Path tmp) {
        assertThat(CliRun.lora("generate", "--model", MODEL).err()).contains("give either --data FILE or --prompt TEXT");
        assertThat(CliRun.lora("generate", "--model", MODEL, "--prompt", "x", "--data", "y.csv").err()).contains("either");
        assertThat(CliRun.lora("generate", "--model", MODEL, "--data", "y.csv").err()).contains("--data needs --out");
        CliRun empty = CliRun.lora("generate", "--model", MODEL, "--data", tmp.resolve("none.csv").toString(), "--out", tmp.toString());
        assertThat(empty.status()).isEqualTo(2);
        assertThat(empty.err()).contains("none.csv: file not found");
    }

    private static String[] concat(List<String> args) {
        List<String> all = new java.util.ArrayList<>(args);
        all.addAll(List.of(DECODING));
        return all.toArray(String[]::new);
    }
}
