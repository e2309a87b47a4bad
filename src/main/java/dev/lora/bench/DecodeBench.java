package dev.lora.bench;

import dev.lora.eval.generate.Decoding;
import dev.lora.eval.generate.GenerationSettings;
import dev.lora.eval.generate.Generator;
import dev.lora.lora.LoraModel;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

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
}
