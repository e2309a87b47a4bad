package dev.lora.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes files and folders so that a reader (or a later run after a crash) sees either the old
 * content or the complete new one, never a partial file: write under a temporary name in the same
 * folder, fsync, rename into place, fsync the folder so the rename itself survives a power cut.
 * Failures become {@link InputError}s naming the target.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Fills a stream that ends up as the target file's content. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Fills a fresh, empty folder that ends up as the target folder. */
    @FunctionalInterface
    public interface FolderContent {
        void fill(Path folder) throws IOException;
    }

    public static void write(Path target, Content content) {
        Path absolute = target.toAbsolutePath();
        Path temp = temporarySibling(absolute, "tmp");
        try {
            Files.createDirectories(absolute.getParent());
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
            syncFolder(absolute.getParent());
        } catch (IOException e) {
            throw IoErrors.cannotWrite(target, e);
        } finally {
            deleteQuietly(temp);
        }
    }

    public static void writeBytes(Path target, byte[] bytes) {
        write(target, out -> out.write(bytes));
    }

    public static void writeString(Path target, String text) {
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Builds a folder beside {@code target} under a temporary name, syncs every file in it, then
     * moves it into place. An existing target is first renamed aside and deleted only once the new
     * folder is in place; POSIX cannot swap two folders in one step, so a crash in between leaves the
     * old one under a hidden ".name.old-*" name rather than a mix of both.
     */
    public static void writeFolder(Path target, FolderContent content) {
        Path absolute = target.toAbsolutePath();
        Path parent = absolute.getParent();
        Path temp = temporarySibling(absolute, "tmp");
        Path old = temporarySibling(absolute, "old");
        try {
            Files.createDirectories(parent);
            Files.createDirectory(temp);
            content.fill(temp);
            syncTree(temp);
            boolean replacing = Files.exists(absolute, LinkOption.NOFOLLOW_LINKS);
            if (replacing) Files.move(absolute, old, StandardCopyOption.ATOMIC_MOVE);
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (replacing) Files.move(old, absolute, StandardCopyOption.ATOMIC_MOVE);
                throw e;
            }
            syncFolder(parent);
        } catch (IOException e) {
            throw IoErrors.cannotWrite(target, e);
        } finally {
            deleteTreeQuietly(temp);
            deleteTreeQuietly(old);
        }
    }

    /** Forces a folder's entries (new names, renames) to disk; some systems cannot open folders, which we accept. */
    public static void syncFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // Not supported everywhere (e.g. Windows); the rename is still atomic, just not yet durable.
        }
    }

    static Path temporarySibling(Path target, String kind) {
        return target.resolveSibling("." + target.getFileName() + "." + kind + "-" + UUID.randomUUID());
    }

    private static void syncTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    try (FileChannel channel = FileChannel.open(p, StandardOpenOption.WRITE)) {
                        channel.force(true);
                    }
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    syncFolder(p);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // Only a leftover hidden temporary file; the target is already correct or untouched.
        }
    }

    static void deleteTreeQuietly(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) return;
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // As above: a hidden leftover, never the target.
        }
    }
}
