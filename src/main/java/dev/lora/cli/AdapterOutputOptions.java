package dev.lora.cli;

import dev.lora.adapter.formats.AdapterReader;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.OptionalDouble;

/** What merge and export share: the output folder, replacing it, and the alpha microsoft/LoRA files lack. */
final class AdapterOutputOptions {
    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;

    @Option(names = "--force", description = "Replace an existing non-empty output folder.")
    boolean force;

    @Option(names = "--lora-alpha", paramLabel = "ALPHA",
            description = "lora_alpha of microsoft/LoRA checkpoints, which do not store it (default: adapter_config.json beside the file, else 32).")
    Double loraAlpha;

    AdapterReader.Options readOptions() {
        return new AdapterReader.Options(loraAlpha == null ? OptionalDouble.empty() : OptionalDouble.of(loraAlpha));
    }
}
