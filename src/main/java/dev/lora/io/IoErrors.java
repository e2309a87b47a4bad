package dev.lora.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Turns I/O failures into the one-line {@link InputError}s the CLI prints. */
final class IoErrors {
    private IoErrors() {
    }

    static InputError cannotRead(Object file, IOException e) {
        return new InputError("cannot read " + file + ": " + reason(e), e);
    }

    static InputError cannotWrite(Object file, IOException e) {
        return new InputError("cannot write " + file + ": " + reason(e), e);
    }

    /** A short reason; the JDK's own messages for these are only the path, which says nothing. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) return "no such file or folder (" + e.getMessage() + ")";
        if (e instanceof AccessDeniedException) return "permission denied (" + e.getMessage() + ")";
        if (e instanceof FileAlreadyExistsException) return "already exists (" + e.getMessage() + ")";
        if (e instanceof NotDirectoryException) return "not a folder (" + e.getMessage() + ")";
        if (e instanceof DirectoryNotEmptyException) return "folder not empty (" + e.getMessage() + ")";
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
