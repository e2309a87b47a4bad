package dev.lora.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Paths of the PyTorch training fixtures and a writer for run configs over them. */
public final class TrainFixtures {
    public static final Path ROOT = Path.of("src/test/resources/fixtures").toAbsolutePath();
    public static final Path MODEL = ROOT.resolve("tiny-gpt2");
    public static final Path PARITY = ROOT.resolve("train-parity");

    private TrainFixtures() {
    }

    public static JsonNode json(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<JsonNode> metrics(Path output) {
        return MetricsLog.read(output.resolve("metrics.jsonl"));
    }

    /** A run config over the fixture model; {@code extra} lines are appended under the given sections. */
    public static Path config(Path dir, Path output, Path train, String lora, String trainSection) {
        String yaml = "model: " + MODEL + "\n"
                + "output: " + output + "\n"
                + "data:\n  train: " + train + "\n  max_seq_len: 64\n"
                + "lora:\n" + lora.indent(2)
                + "train:\n" + trainSection.indent(2);
        Path file = dir.resolve("run.yaml");
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
