package dev.lora.cli;

import dev.lora.io.DType;
import dev.lora.io.InputError;
import dev.lora.adapter.merge.Merge;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "merge", mixinStandardHelpOptions = true, description = {
        "Fold adapters into the base weights and write a Hugging Face GPT-2 folder.",
        "The folder (config.json, model.safetensors, tokenizer files) is one transformers loads directly.",
        "Each weight becomes W + sum of WEIGHT x (alpha/r) x (B A)^T; a negative weight subtracts (unmerges)."})
public final class MergeCommand implements Callable<Integer>, ComputeCommand {
    @Option(names = "--model", required = true, description = "Base model: Hugging Face GPT-2 folder or hub id (gpt2, gpt2-medium, ...).")
    String model;

    @Option(names = "--adapter", required = true, paramLabel = "ADAPTER[:WEIGHT]",
            description = "Adapter (this tool's folder, a PEFT folder or a microsoft/LoRA .pt file), optionally with a merge"
                    + " weight (default 1); repeatable.")
    List<String> adapters;

    @Option(names = "--dtype", paramLabel = "f32|f16|bf16", description = "Output element type (default: the base's).")
    String dtype;

    @Mixin
    AdapterOutputOptions output;

    @Override
    public Integer call() {
        Merge.run(new Merge.Options(model, adapters.stream().map(Merge.Input::parse).toList(), output.out,
                outputType(dtype), output.force, output.readOptions()));
        return 0;
    }

    static Optional<DType> outputType(String name) {
        if (name == null) return Optional.empty();
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "f32", "float32", "fp32", "float" -> Optional.of(DType.F32);
            case "f16", "float16", "fp16", "half" -> Optional.of(DType.F16);
            case "bf16", "bfloat16" -> Optional.of(DType.BF16);
            default -> throw new InputError("--dtype must be f32, f16 or bf16 (also float32, fp32, float16, fp16, half, "
                    + "bfloat16), got '" + name + "'");
        };
    }
}
