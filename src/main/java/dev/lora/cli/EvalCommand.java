package dev.lora.cli;

import dev.lora.eval.LossEvaluation;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "eval", mixinStandardHelpOptions = true, description = {
        "Loss and perplexity of a model (plus adapter) on a data set; writes OUT/metrics.json."})
public final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Hugging Face GPT-2 folder or hub id (gpt2, gpt2-medium, ...).")
    String model;

    @Option(names = "--adapter", description = "Adapter folder written by lora train.")
    Path adapter;

    @Option(names = "--data", required = true, description = "Data: .txt (context||completion per line) or .jsonl.")
    Path data;

    @Option(names = "--max-seq-len", description = "Longest sequence; longer examples lose context from the left (default: n_positions).")
    Integer maxSeqLen;

    @Option(names = "--batch-size", defaultValue = "8", description = "Examples per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--dtype", defaultValue = "float32", description = "float32 or float64 (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--out", required = true, description = "Output folder for metrics.json.")
    Path out;

    @Override
    public Integer call() {
        DataType type = switch (dtype) {
            case "float32" -> DataType.FLOAT;
            case "float64" -> DataType.DOUBLE;
            default -> throw new dev.lora.io.InputError("--dtype must be float32 or float64, got '" + dtype + "'");
        };
        LossEvaluation.run(new LossEvaluation.Options(model, Optional.ofNullable(adapter), data,
                Optional.ofNullable(maxSeqLen), batchSize, out, type));
        return 0;
    }
}
