package dev.lora.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** `lora eval --metrics loss,e2e` end to end on the tiny fixture model with its fixture adapter. */
class EvalCommandTest {
    private static final Path MODEL = Path.of("src/test/resources/fixtures/tiny-gpt2");
    private static final Path ADAPTER = Path.of("src/test/resources/fixtures/train-parity/init-qv");
    // Three contexts; the first has two references, one of them appearing after the second context.
    private static final String DATA = """
            name : Alimentum | area : city centre||Alimentum is in the city centre.
            name : Aromi | Type : pub||Aromi is a pub.
            name : Alimentum | area : city centre||There is Alimentum in the centre of the city.
            name : Bibimbap House | food : Chinese||Bibimbap House serves Chinese food.
            """;

    @Test
    void writesPredictionsReferencesAndMetricsThatLoraScoreAgreesWith(@TempDir Path tmp) throws Exception {
        Path data = Files.writeString(tmp.resolve("data.txt"), DATA);
        Path out = tmp.resolve("eval");
        int status = Main.run("eval", "--model", MODEL.toString(), "--adapter", ADAPTER.toString(), "--data", data.toString(),
                "--metrics", "loss,e2e", "--beam", "3", "--max-new-tokens", "5", "--out", out.toString());
        assertThat(status).isZero();

        List<String> predictions = Files.readAllLines(out.resolve("predictions.txt"));
        assertThat(predictions).hasSize(3);
        assertThat(Files.readString(out.resolve("references.txt"))).isEqualTo("""
                Alimentum is in the city centre.
                There is Alimentum in the centre of the city.

                Aromi is a pub.

                Bibimbap House serves Chinese food.
                """);
        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertThat(metrics.get("examples").asInt()).isEqualTo(4);
        assertThat(metrics.get("contexts").asInt()).isEqualTo(3);
        assertThat(metrics.get("loss").asDouble()).isPositive();

        // The same files through `lora score` give the same five numbers.
        CliRun score = CliRun.lora("score", "--references", out.resolve("references.txt").toString(),
                "--predictions", out.resolve("predictions.txt").toString());
        assertThat(score.status()).isZero();
        JsonNode scored = score.json();
        for (String m : List.of("BLEU", "NIST", "METEOR", "ROUGE_L", "CIDEr")) {
            assertThat(metrics.get(m).asDouble()).as(m).isEqualTo(scored.get(m).asDouble());
        }
        // Both say which METEOR they ran, so a gate never compares different METEORs unknowingly.
        assertThat(metrics.get("METEOR_modules").asText()).startsWith("exact+stem");
        assertThat(metrics.get("METEOR_modules")).isEqualTo(scored.get("METEOR_modules"));
        assertThat(metrics.get("METEOR_function_words")).isEqualTo(scored.get("METEOR_function_words"));
    }

    /** A bfloat16 model says once, when it is built, how its products run here and how fast each type ran. */
    @Test
    void aBfloat16RunSaysHowItsProductsRunAndHowFast(@TempDir Path tmp) throws Exception {
        Path data = Files.writeString(tmp.resolve("data.txt"), DATA);
        CliRun run = CliRun.lora("eval", "--model", MODEL.toString(), "--data", data.toString(), "--dtype", "bfloat16",
                "--out", tmp.resolve("eval").toString());
        assertThat(run.status()).as(run.err()).isZero();
        List<String> lines = run.err().lines().filter(l -> l.startsWith("bfloat16: frozen weights held in bfloat16")).toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains("products ", "GFLOP/s");
    }

    @Test
    void failUnderExitsThreeAfterWritingEverything(@TempDir Path tmp) throws Exception {
        Path data = Files.writeString(tmp.resolve("data.txt"), DATA);
        Path out = tmp.resolve("eval");
        // A random tiny model cannot reach the BLEU of a perfect system (1.0).
        int status = Main.run("eval", "--model", MODEL.toString(), "--data", data.toString(), "--metrics", "e2e",
                "--greedy", "--max-new-tokens", "3", "--fail-under", "BLEU=1.0", "--out", out.toString());
        assertThat(status).isEqualTo(3);
        assertThat(out.resolve("predictions.txt")).isNotEmptyFile();
        assertThat(out.resolve("metrics.json")).isNotEmptyFile();
    }

    @Test
    void failUnderWithoutE2eMetricsIsABadUsage(@TempDir Path tmp) throws Exception {
        Path data = Files.writeString(tmp.resolve("data.txt"), DATA);
        assertThat(Main.run("eval", "--model", MODEL.toString(), "--data", data.toString(), "--fail-under", "BLEU=0.5",
                "--out", tmp.resolve("eval").toString())).isEqualTo(2);
    }

    @Test
    void aBadWebNlgFileWritesNothing(@TempDir Path tmp) throws Exception {
        Path data = Files.writeString(tmp.resolve("bad.json"), "{\"entries\": [{\"1\": {\"category\": \"Airport\","
                + " \"modifiedtripleset\": [], \"lexicalisations\": []}}]}");
        Path out = tmp.resolve("eval");
        CliRun run = CliRun.lora("eval", "--model", MODEL.toString(), "--data", data.toString(), "--metrics", "webnlg",
                "--out", out.toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains(data + ": entries[0].modifiedtripleset: is empty");
        assertThat(out).doesNotExist();
    }

    @Test
    void oneGenerationMetricSetPerRun(@TempDir Path tmp) throws Exception {
        Path data = Files.writeString(tmp.resolve("data.txt"), DATA);
        CliRun run = CliRun.lora("eval", "--model", MODEL.toString(), "--data", data.toString(), "--metrics", "e2e,dart",
                "--out", tmp.resolve("eval").toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("choose one of e2e, webnlg and dart");
    }
}
