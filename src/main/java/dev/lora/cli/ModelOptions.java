package dev.lora.cli;

import dev.lora.config.ComputeDtype;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/** The model a command runs: a GPT-2 and an optional adapter, in a compute type ({@code lora eval}, {@code lora generate}). */
final class ModelOptions {
    @Option(names = "--model", required = true, description = "Hugging Face GPT-2 folder or hub id (gpt2, gpt2-medium, ...).")
    String model;

    @Option(names = "--adapter", description = "Adapter: this tool's folder, a PEFT folder or a microsoft/LoRA .pt/.bin file.")
    Path adapter;

    @Option(names = "--dtype", defaultValue = "float32", description = "float32, float64 or bfloat16 (frozen weights and their products in bfloat16, as PyTorch's CPU autocast; default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--check-weights", description = "Refuse model weights that hold NaN or infinity (one pass over them).")
    boolean checkWeights;

    DataType dataType() {
        return ComputeDtype.parse("--dtype", dtype).nd4j();
    }

    Optional<Path> adapter() {
        return Optional.ofNullable(adapter);
    }
}
