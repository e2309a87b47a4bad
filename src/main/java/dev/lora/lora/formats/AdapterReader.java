package dev.lora.lora.formats;

import dev.lora.io.InputError;
import dev.lora.lora.AdapterFiles;

import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * Reads an adapter in any supported format ({@link AdapterFormat#detect}) as this tool's adapter: this
 * tool's folder as written, a PEFT folder or a microsoft/LoRA checkpoint converted on load.
 */
public final class AdapterReader {
    private AdapterReader() {
    }

    /** @param loraAlpha alpha for formats that do not store it (microsoft/LoRA checkpoints); see {@link MicrosoftLoraFormat}. */
    public record Options(OptionalDouble loraAlpha) {
        public static final Options DEFAULTS = new Options(OptionalDouble.empty());

        public Options {
            loraAlpha.ifPresent(a -> {
                if (!(a > 0) || Double.isInfinite(a)) throw new InputError("--lora-alpha must be a positive number, got " + a);
            });
        }
    }

    public static AdapterFiles.Adapter read(Path path) {
        return read(path, Options.DEFAULTS);
    }

    public static AdapterFiles.Adapter read(Path path, Options options) {
        return switch (AdapterFormat.detect(path)) {
            case LORALIB -> AdapterFiles.read(path);
            case PEFT -> PeftFormat.read(path, AdapterFormat.readJson(path.resolve(PeftFormat.CONFIG)));
            case MICROSOFT_CHECKPOINT -> MicrosoftLoraFormat.read(path, options.loraAlpha());
        };
    }
}
