package dev.lora.adapter.formats;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lora.io.AtomicFiles;
import dev.lora.io.InputError;
import dev.lora.io.JsonFiles;
import dev.lora.adapter.AdapterFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The adapter formats this tool reads, and the two it writes ({@link #LORALIB}, {@link #PEFT}). */
public enum AdapterFormat {
    /** This tool's folder: adapter_config.json with "format": "loralib", loralib tensor names. */
    LORALIB,
    /** A Hugging Face PEFT LoRA folder: adapter_config.json with "peft_type": "LORA". */
    PEFT,
    /** A microsoft/LoRA checkpoint file (.pt / .bin / .pth, torch.save). */
    MICROSOFT_CHECKPOINT;

    /** The name used on the command line: loralib, peft, microsoft. */
    public String id() {
        return this == MICROSOFT_CHECKPOINT ? "microsoft" : name().toLowerCase(Locale.ROOT);
    }

    /** Parses an output format of {@code lora export} (peft or loralib). */
    public static AdapterFormat parseOutput(String id) {
        for (AdapterFormat f : new AdapterFormat[]{PEFT, LORALIB}) {
            if (f.id().equalsIgnoreCase(id)) return f;
        }
        throw new InputError("--format must be peft or loralib, got '" + id + "'");
    }

    /**
     * The format of the adapter at {@code path}: a folder by its adapter_config.json (PEFT's has peft_type,
     * this tool's "format": "loralib"), a file by its extension; anything else is an InputError.
     */
    public static AdapterFormat detect(Path path) {
        if (Files.isDirectory(path)) {
            Path cfg = path.resolve(AdapterFiles.CONFIG);
            if (!Files.isRegularFile(cfg)) {
                throw new InputError(path + ": not an adapter folder (no " + AdapterFiles.CONFIG + "); expected this tool's"
                        + " adapter folder, a PEFT adapter folder or a microsoft/LoRA .pt checkpoint");
            }
            JsonNode json = readJson(cfg);
            if (PeftFormat.isPeftConfig(json)) return PEFT;
            if (json.path("format").asText("").equals("loralib") || (!json.has("format") && json.has("targets"))) return LORALIB;
            throw new InputError(cfg + ": unknown adapter format (neither PEFT's \"peft_type\" nor this tool's"
                    + " \"format\": \"loralib\")");
        }
        if (Files.isRegularFile(path)) {
            if (MicrosoftLoraFormat.isCheckpointFile(path)) return MICROSOFT_CHECKPOINT;
            throw new InputError(path + ": unknown adapter format; give an adapter folder (this tool's or PEFT's) or a"
                    + " microsoft/LoRA checkpoint ending in .pt, .pth or .bin");
        }
        throw new InputError(path + ": no such adapter file or folder");
    }

    static JsonNode readJson(Path file) {
        return JsonFiles.readObject(file, "adapter config");
    }

    /** Writes {@code adapter} in this (output) format into the folder {@code dir}, atomically; returns its config. */
    public JsonNode write(AdapterFiles.Adapter adapter, Path dir) {
        JsonNode[] written = new JsonNode[1];
        AtomicFiles.writeFolder(dir, folder -> written[0] = switch (this) {
            case PEFT -> PeftFormat.writeInto(folder, adapter);
            case LORALIB -> AdapterFiles.writeInto(folder, adapter);
            case MICROSOFT_CHECKPOINT -> throw new InputError("writing microsoft/LoRA checkpoints is not supported");
        });
        return written[0];
    }
}
