package dev.lora.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Hugging Face hub cache layout, shared with huggingface_hub:
 * {@code <root>/models--<org>--<name>/} holding {@code blobs/<etag>} (file contents),
 * {@code snapshots/<commit>/<file>} (symlinks into blobs) and {@code refs/main} (the commit of main).
 */
public record HubCache(Path root) {
    /** The model files lora needs: config and weights are required, the tokenizer files optional. */
    public static final String CONFIG = "config.json";
    public static final String SAFETENSORS = "model.safetensors";
    public static final String PYTORCH_BIN = "pytorch_model.bin";

    /** Names that are safe as one path component: revisions and etags come from HTTP headers. */
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    public Path repoFolder(String repoId) {
        return root.resolve("models--" + repoId.replace("/", "--"));
    }

    public Path blobs(String repoId) {
        return repoFolder(repoId).resolve("blobs");
    }

    public Path snapshot(String repoId, String revision) {
        return repoFolder(repoId).resolve("snapshots").resolve(requireSafe(revision, "revision"));
    }

    public Path mainRef(String repoId) {
        return repoFolder(repoId).resolve("refs").resolve("main");
    }

    /** The snapshot refs/main points to, if it holds config.json and weights (safetensors or .bin). */
    public Optional<Path> completeSnapshot(String repoId) {
        Path ref = mainRef(repoId);
        if (!Files.isRegularFile(ref)) return Optional.empty();
        String revision;
        try {
            revision = Files.readString(ref, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return Optional.empty();
        }
        if (!isSafe(revision)) return Optional.empty();
        Path snapshot = snapshot(repoId, revision);
        boolean complete = Files.isRegularFile(snapshot.resolve(CONFIG))
                && (Files.isRegularFile(snapshot.resolve(SAFETENSORS)) || Files.isRegularFile(snapshot.resolve(PYTORCH_BIN)));
        return complete ? Optional.of(snapshot) : Optional.empty();
    }

    static boolean isSafe(String name) {
        return name != null && SAFE_NAME.matcher(name).matches() && !name.contains("..");
    }

    static String requireSafe(String name, String what) {
        if (!isSafe(name)) throw new IllegalArgumentException("unsafe " + what + " '" + name + "'");
        return name;
    }
}
