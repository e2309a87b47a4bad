package dev.lora.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lora.io.OutputFolder;
import dev.lora.adapter.AdapterFiles;
import dev.lora.adapter.formats.AdapterFormat;
import dev.lora.adapter.formats.AdapterReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true, description = {
        "Convert an adapter to a PEFT adapter folder or to this tool's (loralib) adapter folder.",
        "The source may be this tool's folder, a PEFT folder or a microsoft/LoRA .pt/.bin file."})
public final class ExportCommand implements Callable<Integer>, ComputeCommand {
    private static final Logger LOG = LoggerFactory.getLogger(ExportCommand.class);

    @Option(names = "--adapter", required = true, description = "Adapter to convert.")
    Path adapter;

    @Option(names = "--format", required = true, paramLabel = "peft|loralib", description = "Output format.")
    String format;

    @Option(names = "--base-model", paramLabel = "NAME",
            description = "Base model to record (PEFT's base_model_name_or_path; default: the adapter's).")
    String baseModel;

    @Mixin
    AdapterOutputOptions output;

    @Override
    public Integer call() {
        AdapterFormat target = AdapterFormat.parseOutput(format);
        Path out = output.out;
        OutputFolder.refuseOverlap("--out", out, Map.of("--adapter", adapter));
        OutputFolder.refuseExisting(out, output.force);
        AdapterFiles.Adapter a = AdapterReader.read(adapter, output.readOptions());
        if (baseModel != null) a = new AdapterFiles.Adapter(a.settings(), baseModel, a.geometry(), a.tensors(), a.source());
        // PEFT has no per-slice flags, so a q/v adapter of rank r is written as rank 2r: the log says what was written.
        JsonNode written = target.write(a, out);
        String patterns = written.has("rank_pattern") && !written.get("rank_pattern").isEmpty()
                ? ", rank_pattern " + written.get("rank_pattern") + ", alpha_pattern " + written.get("alpha_pattern") : "";
        LOG.info("Wrote {} as a {} adapter: r {}, lora_alpha {}{} (from r {}, alpha {}, targets {})", out, target.id(),
                written.path("r").asText(), written.path("lora_alpha").asText(), patterns, a.settings().r(), a.settings().alpha(),
                a.settings().targets().stream().map(t -> t.id()).toList());
        return 0;
    }
}
