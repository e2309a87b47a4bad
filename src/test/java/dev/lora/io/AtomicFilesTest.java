package dev.lora.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesFileCreatingFoldersAndLeavesNoTemporary() throws IOException {
        Path target = dir.resolve("a/b/out.txt");
        AtomicFiles.writeString(target, "hello");
        assertThat(target).hasContent("hello");
        assertThat(entries(target.getParent())).containsExactly(target);
    }

    @Test
    void replacesAnExistingFile() throws IOException {
        Path target = dir.resolve("out.bin");
        Files.writeString(target, "old");
        AtomicFiles.writeBytes(target, new byte[]{1, 2, 3});
        assertThat(Files.readAllBytes(target)).containsExactly(1, 2, 3);
        assertThat(entries(dir)).containsExactly(target);
    }

    @Test
    void failureWhileWritingKeepsTheOldFileAndRemovesTheTemporary() throws IOException {
        Path target = dir.resolve("out.txt");
        Files.writeString(target, "old");
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write("half of the new con".getBytes());
            throw new IOException("disk full");
        })).isInstanceOf(InputError.class).hasMessageContaining(target.toString()).hasMessageContaining("disk full");
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write("partial".getBytes());
            throw new InputError("bad tensor");
        })).isInstanceOf(InputError.class).hasMessage("bad tensor");
        assertThat(target).hasContent("old");
        assertThat(entries(dir)).containsExactly(target);
    }

    @Test
    void unwritableTargetIsAnInputErrorNamingIt() throws IOException {
        Path notAFolder = Files.writeString(dir.resolve("file"), "x");
        Path target = notAFolder.resolve("out.txt");
        assertThatThrownBy(() -> AtomicFiles.writeString(target, "y"))
                .isInstanceOf(InputError.class)
                .hasMessageContaining("cannot write " + target);
    }

    @Test
    void writesAFolderAndReplacesAnExistingOneWhole() throws IOException {
        Path target = dir.resolve("adapter");
        Files.createDirectories(target.resolve("sub"));
        Files.writeString(target.resolve("stale.txt"), "old");
        Files.writeString(target.resolve("sub/old.txt"), "old");

        AtomicFiles.writeFolder(target, folder -> {
            Files.writeString(folder.resolve("config.json"), "{}");
            Files.createDirectories(folder.resolve("nested"));
            Files.writeString(folder.resolve("nested/weights.bin"), "w");
        });

        assertThat(target.resolve("config.json")).hasContent("{}");
        assertThat(target.resolve("nested/weights.bin")).hasContent("w");
        assertThat(target.resolve("stale.txt")).doesNotExist();
        assertThat(target.resolve("sub")).doesNotExist();
        assertThat(entries(dir)).containsExactly(target);
    }

    @Test
    void failureWhileFillingAFolderKeepsTheOldOne() throws IOException {
        Path target = dir.resolve("adapter");
        Files.createDirectories(target);
        Files.writeString(target.resolve("config.json"), "old");
        assertThatThrownBy(() -> AtomicFiles.writeFolder(target, folder -> {
            Files.writeString(folder.resolve("config.json"), "new");
            throw new IOException("interrupted");
        })).isInstanceOf(InputError.class).hasMessageContaining(target.toString());
        assertThat(target.resolve("config.json")).hasContent("old");
        assertThat(entries(dir)).containsExactly(target);
    }

    private static List<Path> entries(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.toList();
        }
    }
}
