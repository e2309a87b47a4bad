package dev.lora.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * merge and export never write where their inputs live, even with --force (which would delete them): an --out
 * equal to, inside or containing the adapter or the model exits 2 and leaves every input as it was. Works on copies
 * of the fixtures, so a regression cannot delete them.
 */
class OutputOverlapTest {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    @TempDir
    Path tmp;
    private Path model, adapter;

    @BeforeEach
    void copies() throws IOException {
        model = copyTree(FIXTURES.resolve("tiny-gpt2"), tmp.resolve("model"));
        adapter = copyTree(FIXTURES.resolve("train-parity/init-qv"), tmp.resolve("run/adapter"));
    }

    @Test
    void mergeRefusesAnOutThatIsInsideOrContainsItsInputs() throws IOException {
        refused(adapter, "is --adapter", "merge", "--model", model.toString(), "--adapter", adapter.toString(), "--out", adapter.toString(), "--force");
        refused(tmp.resolve("run"), "contains --adapter", "merge", "--model", model.toString(), "--adapter", adapter.toString(), "--out", tmp.resolve("run").toString(), "--force");
        refused(adapter.resolve("merged"), "lies inside --adapter", "merge", "--model", model.toString(), "--adapter", adapter.toString(), "--out", adapter.resolve("merged").toString(), "--force");
        refused(model, "is --model", "merge", "--model", model.toString(), "--adapter", adapter.toString(), "--out", model.toString(), "--force");
    }

    @Test
    void exportRefusesAnOutThatIsItsAdapter() throws IOException {
        refused(adapter, "is --adapter", "export", "--adapter", adapter.toString(), "--format", "peft", "--out", adapter.toString(), "--force");
    }

    private void refused(Path out, String how, String... args) throws IOException {
        long modelBytes = size(model), adapterBytes = size(adapter);
        CliRun r = CliRun.lora(args);
        assertThat(r.status()).as(String.join(" ", args)).isEqualTo(2);
        assertThat(r.err()).contains("--out " + out + " " + how, "choose another --out");
        assertThat(size(model)).as("model untouched").isEqualTo(modelBytes);
        assertThat(size(adapter)).as("adapter untouched").isEqualTo(adapterBytes);
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum() + 1;
        }
    }

    private static Path copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
        return to;
    }
}
