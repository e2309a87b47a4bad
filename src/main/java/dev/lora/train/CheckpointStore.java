package dev.lora.train;

import dev.lora.io.InputError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The {@code OUTPUT/checkpoints} folder: listing, picking the one to resume from, pruning. */
public record CheckpointStore(Path dir) {
    private static final String STEP_FOLDER = "step-\\d+";

    /** A checkpoint folder a user named ({@code .../checkpoints/step-N}), verified. */
    public static Checkpoint open(Path folder) {
        String name = folder.getFileName() == null ? "" : folder.getFileName().toString();
        if (!Files.isDirectory(folder) || !name.matches(STEP_FOLDER)) {
            throw new InputError(folder + ": not a checkpoint folder (expected .../checkpoints/step-N)");
        }
        Checkpoint c = new Checkpoint(folder, step(name));
        c.verify();
        return c;
    }

    private static long step(String folderName) {
        return Long.parseLong(folderName.substring("step-".length()));
    }

    public List<Checkpoint> list() {
        if (!Files.isDirectory(dir)) return List.of();
        List<Checkpoint> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> {
                String n = p.getFileName().toString();
                if (Files.isDirectory(p) && n.matches(STEP_FOLDER)) out.add(new Checkpoint(p, step(n)));
            });
        } catch (IOException e) {
            throw new InputError(dir + ": cannot list checkpoints: " + e.getMessage(), e);
        }
        out.sort(Comparator.comparingLong(Checkpoint::step));
        return out;
    }

    /**
     * The newest checkpoint, verified. A damaged newest one is an error that names the newest good
     * one, so the user decides (it may be many steps older).
     */
    public Optional<Checkpoint> latestVerified() {
        List<Checkpoint> all = list();
        if (all.isEmpty()) return Optional.empty();
        InputError problem = problemWith(all.get(all.size() - 1));
        if (problem == null) return Optional.of(all.get(all.size() - 1));
        for (int i = all.size() - 2; i >= 0; i--) {
            if (problemWith(all.get(i)) == null) {
                throw new InputError(problem.getMessage() + "; the newest intact checkpoint is " + all.get(i).dir()
                        + ": resume from it with --resume " + all.get(i).dir());
            }
        }
        throw new InputError(problem.getMessage() + "; no intact checkpoint is left: start again without --resume");
    }

    private static InputError problemWith(Checkpoint c) {
        try {
            c.verify();
            return null;
        } catch (InputError e) {
            return e;
        }
    }

    /**
     * Deletes the hidden temporary folders (.step-N.tmp-*, .step-N.old-*) that a run killed while writing a
     * checkpoint leaves behind; only called while this run holds the output folder's lock.
     */
    public void removeLeftovers() {
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().matches("\\.step-\\d+\\.(tmp|old)-.*")).forEach(CheckpointStore::deleteTree);
        } catch (IOException e) {
            throw new InputError(dir + ": cannot list checkpoints: " + e.getMessage(), e);
        }
    }

    /** Deletes the oldest checkpoints beyond the newest {@code keep} (0 keeps all). */
    public void prune(int keep) {
        if (keep <= 0) return;
        List<Checkpoint> all = list();
        for (int i = 0; i < all.size() - keep; i++) {
            // Renamed out of the step-N namespace first, so a kill mid-delete leaves a leftover, not a damaged checkpoint.
            Path doomed = all.get(i).dir().resolveSibling("." + all.get(i).dir().getFileName() + ".old-prune");
            try {
                Files.move(all.get(i).dir(), doomed, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new InputError(all.get(i).dir() + ": cannot remove old checkpoint: " + e.getMessage(), e);
            }
            deleteTree(doomed);
        }
    }

    private static void deleteTree(Path p) {
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new InputError(p + ": cannot delete old checkpoint: " + e.getMessage(), e);
        }
    }
}
