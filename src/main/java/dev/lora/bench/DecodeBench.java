package dev.lora.bench;

import dev.lora.data.ContextGroup;
import dev.lora.data.DatasetReader;
import dev.lora.data.PromptFormat;
import dev.lora.eval.generate.Decoding;
import dev.lora.eval.generate.GenerationSettings;
import dev.lora.eval.generate.Generator;
import dev.lora.io.AtomicFiles;
import dev.lora.io.InputError;
import dev.lora.adapter.LoraModel;
import dev.lora.tokenizer.Gpt2Tokenizer;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Beam-search decoding rate: one prompt, 10 beams, 64 new tokens, with the key/value cache, as the LoRA
 * paper decodes E2E. No stop tokens and no n-gram ban, so every run does the full 64 steps whatever the
 * random model prefers, and the PyTorch script can do exactly the same work.
 */
final class DecodeBench {
    static final int BEAMS = 10, NEW_TOKENS = 64, PROMPT = 32;
    private static final int RUNS = 3;

    private DecodeBench() {
    }

    /** Output tokens per second of the whole search (prompt pass included), median of three runs. */
    static double tokensPerSecond(LoraModel model, long seed) {
        int vocab = model.model().config().vocabSize();
        int[] prompt = new SplittableRandom(seed).ints(PROMPT, 0, vocab - 1).toArray();
        GenerationSettings s = new GenerationSettings(Decoding.BEAM, BEAMS, 0.8, 0, NEW_TOKENS, Set.of(), 1.0, 1.0,
                seed, 1, true);
        Generator.generate(model, List.of(prompt), s.withMaxNewTokens(4), n -> { }); // warm-up: JIT, first allocations
        double[] seconds = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t0 = System.nanoTime();
            Generator.generate(model, List.of(prompt), s, n -> { });
            seconds[i] = (System.nanoTime() - t0) / 1e9;
        }
        return NEW_TOKENS / Bench.median(seconds);
    }

    /** Decoding of real contexts, as {@code lora eval --metrics e2e} runs it. */
    record RealRate(int contexts, long generatedTokens, double seconds) {
    }

    /**
     * The first {@code contexts} unique contexts of a data file (prompt: the context's tokens and the separator),
     * decoded with {@code lora eval}'s defaults: the LoRA paper's beam 10, length penalty 0.8, no repeated 4-gram,
     * 64 new tokens, stops, several contexts per batch. The prompts are written, one JSON array of ids per line, for
     * bench_torch.py --prompts, when {@code promptsOut} is given.
     */
    static RealRate realContexts(LoraModel model, Path file, int contexts, Optional<Path> promptsOut) {
        Gpt2Tokenizer tok = Gpt2Tokenizer.builtIn();
        List<ContextGroup> groups = DatasetReader.read(file, tok, Integer.MAX_VALUE).contextGroups();
        if (groups.size() < contexts) throw new InputError(file + ": --contexts " + contexts + " but the file holds " + groups.size());
        List<int[]> prompts = groups.subList(0, contexts).stream().map(g -> PromptFormat.promptTokens(tok, g.context())).toList();
        promptsOut.ifPresent(f -> AtomicFiles.writeString(f, prompts.stream().map(Arrays::toString).collect(Collectors.joining("\n")) + "\n"));
        GenerationSettings s = GenerationSettings.e2ePaperDefaults();
        Generator.generate(model, prompts.subList(0, 1), s.withMaxNewTokens(4), n -> { }); // warm-up
        long t0 = System.nanoTime();
        List<int[]> out = Generator.generate(model, prompts, s, n -> { });
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new RealRate(contexts, out.stream().mapToLong(o -> o.length).sum(), seconds);
    }
}
