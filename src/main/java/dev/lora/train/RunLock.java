package dev.lora.train;

import dev.lora.io.InputError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code OUTPUT/.lock} holding the owner's pid: a second run on the same output folder is refused
 * while the owner lives; a lock left by a dead process (kill -9, power cut) is taken over.
 */
final class RunLock implements AutoCloseable {
    private final Path file;

    private RunLock(Path file) {
        this.file = file;
    }

    static RunLock acquire(Path output) {
        Path file = output.resolve(".lock");
        if (Files.exists(output) && !Files.isDirectory(output)) {
            throw new InputError(output + ": output exists and is not a folder; choose another output");
        }
        try {
            Files.createDirectories(output);
        } catch (IOException e) {
            throw new InputError(output + ": cannot create the output folder: " + e.getMessage(), e);
        }
        if (!Files.isWritable(output)) throw new InputError(output + ": output folder is not writable");
        String me = Long.toString(ProcessHandle.current().pid());
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                Files.writeString(file, me, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return new RunLock(file);
            } catch (FileAlreadyExistsException e) {
                long owner = ownerOf(file);
                if (owner > 0 && ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
                    throw new InputError(output + ": another run (pid " + owner + ") is using this output folder;"
                            + " wait for it or choose another output. If pid " + owner + " is not a lora run (see: ps -p " + owner
                            + " -o args), the lock is left from a run on another machine or before a restart: delete " + file);
                }
                try {
                    Files.deleteIfExists(file); // stale: its owner is gone
                } catch (IOException io) {
                    throw new InputError(file + ": cannot remove a stale lock: " + io.getMessage(), io);
                }
            } catch (IOException e) {
                throw new InputError(file + ": cannot create lock: " + e.getMessage(), e);
            }
        }
        throw new InputError(file + ": another process keeps taking the lock");
    }

    private static long ownerOf(Path file) {
        try {
            return Long.parseLong(Files.readString(file).strip());
        } catch (IOException | NumberFormatException e) {
            return -1; // unreadable or torn: treat as stale
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // The lock is stale once we exit; the next run takes it over.
        }
    }
}
