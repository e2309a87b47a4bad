package dev.lora.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A temporary folder where a test damages copies of the fixtures: the tiny GPT-2 folder
 * (src/test/resources/fixtures/tiny-gpt2), its training data and a matching adapter.
 */
record Scratch(Path dir) {
    static final Path REPO = Path.of("").toAbsolutePath();
    static final Path RESOURCES = REPO.resolve("src/test/resources");
    static final Path FIXTURES = RESOURCES.resolve("fixtures");
    static final Path MODEL = FIXTURES.resolve("tiny-gpt2");
    static final Path DATA = FIXTURES.resolve("train-parity/data.jsonl");
    static final Path ADAPTER = FIXTURES.resolve("train-parity/init-qv");

    /**
     * A run config over the fixtures that trains one step. Line numbers matter to the error table:
     * 1 model, 2 output, 3 data, 4 train, 5 max_seq_len, 6 lora, 7 r, 8 alpha, 9 targets, 10 train,
     * 11 batch_size, 12 lr, 13 max_steps, 14 warmup_steps (0: a one-step run with the default warmup would warn).
     */
    static final String BASE_CONFIG = """
            model: $MODEL
            output: $OUT
            data:
              train: $DATA
              max_seq_len: 32
            lora:
              r: 2
              alpha: 4
              targets: [q, v]
            train:
              batch_size: 2
              lr: 0.001
              max_steps: 1
              warmup_steps: 0
            """;

    Path out() {
        return dir.resolve("out");
    }

    /** Writes {@code run.yaml} from a template in which $MODEL, $DATA and $OUT stand for the fixtures. */
    Path config(String template) {
        return config("run.yaml", template, MODEL, DATA);
    }

    Path config(String name, String template, Path model, Path data) {
        return write(name, template.replace("$MODEL", model.toString()).replace("$DATA", data.toString())
                .replace("$OUT", out().toString()));
    }

    Path write(String name, String text) {
        return write(name, text.getBytes(StandardCharsets.UTF_8));
    }

    Path write(String name, byte[] bytes) {
        Path file = dir.resolve(name);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** A private copy of a fixture folder (files only), under {@code name}. */
    Path copy(Path folder, String name) {
        Path target = dir.resolve(name);
        try (Stream<Path> files = Files.list(folder)) {
            Files.createDirectories(target);
            for (Path f : files.toList()) Files.copy(f, target.resolve(f.getFileName()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /** A copy of the tiny model with only config.json and one weights file ("model.safetensors" or "pytorch_model.bin"). */
    Path model(String weights) {
        Path m = copy(MODEL, "model");
        for (String f : new String[] {"model.safetensors", "pytorch_model.bin"}) {
            if (!f.equals(weights)) delete(m.resolve(f));
        }
        return m;
    }

    static void delete(Path p) {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String readString(Path file) {
        return new String(read(file), StandardCharsets.UTF_8);
    }
}
