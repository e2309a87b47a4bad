package dev.lora.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lora.io.AtomicFiles;
import dev.lora.io.InputError;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code metrics.jsonl}: one JSON object per optimiser step, appended and flushed as it happens so
 * a crash loses at most the line being written. On resume the file is cut back (atomically) to the
 * steps the checkpoint covers, so a resumed run's log reads as the uninterrupted one's.
 */
final class MetricsLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private Writer out;

    MetricsLog(Path file, long keepThroughStep) {
        this.file = file;
        List<String> kept = new ArrayList<>();
        for (JsonNode row : read(file)) {
            if (row.path("step").asLong() <= keepThroughStep) kept.add(row.toString());
        }
        AtomicFiles.writeString(file, kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
        try {
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new InputError(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    void append(ObjectNode row) {
        try {
            out.write(row.toString());
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new InputError(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** Rows of a metrics file; a torn last line (from a crash) is skipped. */
    static List<JsonNode> read(Path file) {
        List<JsonNode> rows = new ArrayList<>();
        if (!Files.exists(file)) return rows;
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                try {
                    rows.add(JSON.readTree(line));
                } catch (IOException torn) {
                    // Only the line being written when a run died can be incomplete.
                }
            }
        } catch (IOException e) {
            throw InputError.reading(file, e);
        }
        return rows;
    }

    static ObjectNode row() {
        return JSON.createObjectNode();
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new InputError(file + ": cannot close: " + e.getMessage(), e);
        }
    }
}
