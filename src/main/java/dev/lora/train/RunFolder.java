package dev.lora.train;

import dev.lora.io.InputError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files a run writes into its output folder. A fresh run into a folder that holds another run's files would
 * mix the two (an old checkpoint picked up by --resume, an old adapter left beside new metrics), so it is refused
 * unless --force clears them first.
 */
final class RunFolder {
    static final List<String> RUN_FILES = List.of("adapter", "best", "checkpoints", "metrics.jsonl", "loss.png", "config.yaml");

    private RunFolder() {
    }

    /** The run files present in {@code output}. */
    static List<String> present(Path output) {
        return RUN_FILES.stream().filter(f -> Files.exists(output.resolve(f))).toList();
    }

    /** Refuses a folder holding another run's files unless forced. Touches nothing. */
    static void refuseUsed(Path output, boolean force) {
        List<String> found = present(output);
        if (force || found.isEmpty()) return;
        throw new InputError(output + " holds another run (" + String.join(", ", found) + "); continue it with --resume,"
                + " replace it with --force, or set another output");
    }

    /** Deletes {@code dir} and its parents up to {@code top} while they are empty folders. */
    static void removeEmpty(Path dir, Path top) {
        Path p = dir.toAbsolutePath().normalize();
        while (p != null && p.startsWith(top)) {
            try {
                Files.delete(p);
            } catch (IOException e) {
                return; // not empty (or gone): stop there
            }
            p = p.getParent();
        }
    }

    /** Deletes the previous run's files (--force); other files in the folder are left alone. */
    static void clear(Path output) {
        for (String f : present(output)) {
            try (Stream<Path> s = Files.walk(output.resolve(f))) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            } catch (IOException e) {
                throw new InputError(output.resolve(f) + ": cannot remove the previous run's file: " + e.getMessage(), e);
            }
        }
    }
}
