package dev.lora.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The rules for the folders that train, merge and export write: never replace something that exists unless
 * forced, and never write where an input lives, forced or not.
 */
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

    /**
     * Refuses an output that is one of the inputs, lies inside one, or contains one: --force would delete it, and
     * writing there would mix outputs with inputs. {@code inputs} maps each input's option name to its path; inputs
     * that are not local paths (a hub id) are skipped. Check before any work.
     */
    public static void refuseOverlap(String outName, Path out, Map<String, Path> inputs) {
        Path o = canonical(out);
        inputs.forEach((name, in) -> {
            if (in == null || !Files.exists(in)) return;
            Path i = canonical(in);
            String how = o.equals(i) ? "is" : i.startsWith(o) ? "contains" : o.startsWith(i) ? "lies inside" : null;
            if (how != null) {
                throw new InputError(outName + " " + out + " " + how + " " + name + " " + in
                        + ": writing there would overwrite an input; choose another " + outName);
            }
        });
    }

    /** The real path of what exists, with the rest of the path (not yet created) appended. */
    private static Path canonical(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null) return abs;
        try {
            return existing.toRealPath().resolve(existing.relativize(abs));
        } catch (IOException e) {
            return abs;
        }
    }
}
