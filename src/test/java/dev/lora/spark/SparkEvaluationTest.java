package dev.lora.spark;

import dev.lora.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code lora eval --spark local[2]} and {@code lora generate --spark local[2]} write the files one process writes,
 * byte for byte: the loss batches and the decoding batches are the same batches wherever they run, and are gathered
 * in order.
 */
class SparkEvaluationTest {
    private static final Path MODEL = Path.of("src/test/resources/fixtures/tiny-gpt2");
    private static final Path ADAPTER = Path.of("src/test/resources/fixtures/train-parity/init-qv");

    @Test
    void sameFilesAsOneProcess(@TempDir Path tmp) throws IOException {
        // 25 lines of the E2E sample: 9 contexts with their references, decoded 2 per batch over 2 executor threads.
        List<String> lines = Files.readAllLines(Path.of("data/e2e-sample/valid.txt")).subList(0, 25);
        Path data = Files.write(tmp.resolve("valid.txt"), lines);
        List<String> args = List.of("eval", "--model", MODEL.toString(), "--adapter", ADAPTER.toString(), "--data", data.toString(),
                "--metrics", "loss,e2e", "--beam", "3", "--max-new-tokens", "8", "--contexts-per-batch", "2", "--batch-size", "3");
        CliRun one = lora(args, "--out", tmp.resolve("one").toString());
        CliRun spark = lora(args, "--out", tmp.resolve("spark").toString(), "--spark", "local[2]");
        assertThat(one.status()).as(one.err()).isZero();
        assertThat(spark.status()).as(spark.err()).isZero();
        assertThat(Files.readAllLines(tmp.resolve("one/predictions.txt"))).hasSizeGreaterThan(4);
        for (String file : List.of("predictions.txt", "references.txt", "metrics.json")) {
            assertThat(Files.readString(tmp.resolve("spark").resolve(file))).as(file).isEqualTo(Files.readString(tmp.resolve("one").resolve(file)));
        }
        assertThat(spark.out()).isEqualTo(one.out());
    }

    @Test
    void generateWritesTheSameOutputs(@TempDir Path tmp) throws IOException {
        // 7 contexts (no references needed), 2 per batch: 4 batches over 2 executor threads.
        List<String> lines = Files.readAllLines(Path.of("data/e2e-sample/valid.txt")).subList(0, 20);
        Path data = Files.write(tmp.resolve("contexts.txt"), lines);
        List<String> args = List.of("generate", "--model", MODEL.toString(), "--adapter", ADAPTER.toString(), "--data", data.toString(),
                "--beam", "3", "--max-new-tokens", "6", "--contexts-per-batch", "2");
        CliRun one = lora(args, "--out", tmp.resolve("one").toString());
        CliRun spark = lora(args, "--out", tmp.resolve("spark").toString(), "--spark", "local[2]");
        assertThat(one.status()).as(one.err()).isZero();
        assertThat(spark.status()).as(spark.err()).isZero();
        assertThat(Files.readAllLines(tmp.resolve("one/predictions.txt"))).hasSizeGreaterThan(3);
        for (String file : List.of("predictions.txt", "predictions.tsv")) {
            assertThat(Files.readString(tmp.resolve("spark").resolve(file))).as(file).isEqualTo(Files.readString(tmp.resolve("one").resolve(file)));
        }
    }

    private static CliRun lora(List<String> args, String... more) {
        List<String> all = new java.util.ArrayList<>(args);
        all.addAll(List.of(more));
        return CliRun.lora(all.toArray(String[]::new));
    }
}
