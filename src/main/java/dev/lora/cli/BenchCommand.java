package dev.lora.cli;

import dev.lora.bench.Bench;
import dev.lora.bench.BenchOptions;
import dev.lora.bench.Preset;
import dev.lora.bench.RandomModelFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true, description = {
        "Training (and decoding) throughput on a randomly initialised model; no files needed.",
        "Times the optimiser step lora train runs (forward, backward, clipping, AdamW) with LoRA r=4, alpha=32,",
        "dropout 0.1, and prints one JSON object on stdout. scripts/bench/compare.sh sets it beside PyTorch."})
public final class BenchCommand implements Callable<Integer>, ComputeCommand {
    @Option(names = "--preset", defaultValue = "gpt2", description = "Geometry: tiny, gpt2 or gpt2-medium (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--batch", defaultValue = "8", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seq", defaultValue = "128", description = "Tokens per sequence; the second half is the completion (default: ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--steps", defaultValue = "5", description = "Timed steps; the median is reported (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--targets", split = ",", defaultValue = "q,v", description = "LoRA targets (default: ${DEFAULT-VALUE}).")
    List<String> targets;

    @Option(names = "--dtype", defaultValue = "float32", description = "float32, float64 or bfloat16 (frozen weights and their products in bfloat16, as PyTorch's CPU autocast; default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--threads", defaultValue = "0", description = "Native threads for ND4J and OpenBLAS; 0 keeps ND4J's default (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--data", paramLabel = "FILE", description = "Train on this file's first --lines examples, in file order, instead of random batches (real tokens/s).")
    Path data;

    @Option(names = "--lines", defaultValue = "96", description = "With --data: how many examples (default: ${DEFAULT-VALUE}).")
    int lines;

    @Option(names = "--write-tokens", paramLabel = "FILE", description = "With --data: write those examples as token-id JSONL (for scripts/bench/bench_torch.py --data).")
    Path writeTokens;

    @Option(names = "--contexts", defaultValue = "10", description = "With --data and --generate: decode this many of the file's unique contexts as lora eval does (default: ${DEFAULT-VALUE}).")
    int contexts;

    @Option(names = "--write-prompts", paramLabel = "FILE", description = "With --data and --generate: write those prompts' token ids (for scripts/bench/bench_torch.py --prompts).")
    Path writePrompts;

    @Option(names = "--generate", description = "Also time beam-search decoding: one random prompt, beam 10, 64 new tokens, key/value cache; with --data, the file's first --contexts contexts as lora eval decodes them.")
    boolean generate;

    @Option(names = "--write-model", paramLabel = "DIR", description = "Write the preset's random model to DIR as a Hugging Face GPT-2 folder (config.json, model.safetensors) and exit; for benchmarks that read a model from disk, such as scripts/bench/spark-overhead.sh.")
    Path writeModel;

    @Override
    public Integer call() {
        if (writeModel != null) {
            RandomModelFolder.write(Preset.parse(preset), writeModel, 1);
            System.err.println("Wrote a random " + preset + " model to " + writeModel);
            return 0;
        }
        BenchOptions options = new BenchOptions(Preset.parse(preset), batch, seq, steps, warmup,
                BenchOptions.parseTargets(targets), BenchOptions.parseDtype(dtype), threads, generate,
                Optional.ofNullable(data), lines, Optional.ofNullable(writeTokens),
                contexts, Optional.ofNullable(writePrompts));
        System.out.println(Bench.run(options).toString());
        return 0;
    }
}
