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
}
