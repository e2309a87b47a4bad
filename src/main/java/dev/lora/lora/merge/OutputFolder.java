package dev.lora.lora.merge;

import dev.lora.io.InputError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The rule for folders that merge and export write: never replace something that exists unless forced. */
public final class OutputFolder {
    private OutputFolder() {
    }

    /** Refuses an existing file or non-empty folder unless {@code force}; an empty folder is fine. Check before any work. */
    public static void refuseExisting(Path out, boolean force) {
        if (force || !Files.exists(out)) return;
        boolean empty = false;
        if (Files.isDirectory(out)) {
            try (Stream<Path> entries = Files.list(out)) {
                empty = entries.findAny().isEmpty();
            } catch (IOException e) {
                throw new InputError("cannot read " + out + ": " + e.getMessage(), e);
            }
        }
        if (!empty) throw new InputError(out + ": already exists and is not empty; pass --force to replace it");
    }
}
