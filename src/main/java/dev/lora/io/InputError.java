package dev.lora.io;

/**
 * A problem with something the user gave us (a file, a key, a flag), as opposed to a bug in the tool.
 * The CLI prints only the message, on one line, and exits with status 2; the message must therefore
 * name the file / key / line / tensor at fault and, where possible, the fix.
 */
public class InputError extends RuntimeException {
    public InputError(String message) {
        super(message);
    }

    public InputError(String message, Throwable cause) {
        super(message, cause);
    }

    /** Prefixes the message with the file (and line, when positive) it concerns. */
    public static InputError at(Object file, long line, String message) {
        return new InputError(line > 0 ? file + ":" + line + ": " + message : file + ": " + message);
    }

    /**
     * A file that could not be read, said the same way by every reader: "FILE: file not found; check the path",
     * "FILE: is a folder, not a file", "FILE: permission denied", else "FILE: cannot read: REASON".
     */
    public static InputError reading(java.nio.file.Path file, java.io.IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) return new InputError(file + ": file not found; check the path", e);
        if (java.nio.file.Files.isDirectory(file)) return new InputError(file + ": is a folder, not a file", e);
        if (e instanceof java.nio.file.AccessDeniedException) return new InputError(file + ": permission denied", e);
        return new InputError(file + ": cannot read: " + IoErrors.reason(e), e);
    }
}
