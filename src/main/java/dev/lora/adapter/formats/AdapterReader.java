package dev.lora.adapter.formats;

import dev.lora.io.InputError;
import dev.lora.adapter.AdapterFiles;

import org.nd4j.linalg.api.buffer.DataType;

import java.nio.file.Path;
import java.util.Arrays;
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

    /**
     * Reads an adapter in any format, refusing one that holds NaN or infinity: merging it would write such weights
     * and evaluating it would report a NaN loss, both as if nothing were wrong. Adapters are small, so every read scans.
     */
    public static AdapterFiles.Adapter read(Path path, Options options) {
        AdapterFiles.Adapter a = switch (AdapterFormat.detect(path)) {
            case LORALIB -> AdapterFiles.read(path);
            case PEFT -> PeftFormat.read(path, AdapterFormat.readJson(path.resolve(PeftFormat.CONFIG)));
            case MICROSOFT_CHECKPOINT -> MicrosoftLoraFormat.read(path, options.loraAlpha());
        };
        a.tensors().forEach((name, value) -> {
            long bad = value.isNaN().castTo(DataType.INT).sumNumber().longValue() + value.isInfinite().castTo(DataType.INT).sumNumber().longValue();
            if (bad > 0) {
                throw new InputError(path + ": tensor '" + name + "' " + Arrays.toString(value.shape()) + " holds " + bad
                        + " non-finite value" + (bad == 1 ? "" : "s") + "; the adapter was saved from a diverged run (or is"
                        + " damaged): train it again with a lower train.lr or with train.clip_norm set");
            }
        });
        return a;
    }
}
