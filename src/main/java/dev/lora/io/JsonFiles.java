package dev.lora.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small JSON files the tool reads (model and adapter configs), with one-line errors naming file and line. */
public final class JsonFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonFiles() {
    }

    /** The file's top-level object; {@code what} names it in errors ("model config", "adapter config"). */
    public static ObjectNode readObject(Path file, String what) {
        try {
            if (JSON.readTree(Files.readString(file)) instanceof ObjectNode object) return object;
            throw new InputError(file + ": not a JSON object");
        } catch (JsonProcessingException e) {
            throw InputError.at(file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    "not valid JSON: " + JsonProblems.describe(e));
        } catch (IOException e) {
            throw new InputError(file + ": cannot read " + what + ": " + e.getMessage(), e);
        }
    }
}
