package dev.lora.tokenizer;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/** The read-only data beside the repository (../shared/data); tests that need it skip when it is absent. */
public final class SharedData {
    private static final Path ROOT = Path.of("..", "shared", "data");

    private SharedData() {
    }

    /** The shared file at {@code relative}, or a skipped test if it is not there. */
    public static Path require(String relative) {
        Path p = ROOT.resolve(relative);
        Assumptions.assumeTrue(Files.isRegularFile(p),
                () -> "skipped: shared data file " + p + " is absent (tests look for ../shared/data next to the repo)");
        return p;
    }
}
