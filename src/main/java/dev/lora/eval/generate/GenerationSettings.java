package dev.lora.eval.generate;

import java.io.Serializable;
import java.util.Set;

/**
 * How {@link Generator} decodes.
 *
 * @param decoding         beam search, greedy or nucleus sampling
 * @param beams            hypotheses kept per prompt by beam search (ignored otherwise)
 * @param lengthPenalty    beam search ranks a finished hypothesis by its summed log-probabilities divided by
 *                         length^lengthPenalty, the length counting generated tokens including the stop token
 * @param noRepeatNgram    n &gt; 0: a token that would complete an n-gram already present among the generated
 *                         tokens (the prompt does not count) gets probability 0; 0 turns the ban off
 * @param maxNewTokens     at most this many generated tokens (fewer where the model's n_positions ends first)
 * @param stopTokens       generating one of these ends a sequence; it is not part of the output
 * @param temperature      sampling divides the logits by it (&gt; 0)
 * @param topP             sampling draws from the smallest set of most probable tokens whose probability
 *                         reaches topP, in (0, 1]
 * @param seed             sampling: prompt i of a call draws from its own generator seeded by (seed, i), so
 *                         outputs do not depend on how prompts are batched
 * @param contextsPerBatch prompts decoded together (beam search: each with its beams)
 * @param useCache         false recomputes the full forward pass every step instead of using the key/value
 *                         cache: the same outputs, much slower; a check on the cache
 */
public record GenerationSettings(Decoding decoding, int beams, double lengthPenalty, int noRepeatNgram,
                                 int maxNewTokens, Set<Integer> stopTokens, double temperature, double topP,
                                 long seed, int contextsPerBatch, boolean useCache) implements Serializable {

    /** GPT-2's end of text. */
    public static final int EOS = 50256;
    /** GPT-2's token for "\n\n", where an E2E completion ends if the model does not emit end of text. */
    public static final int DOUBLE_NEWLINE = 628;

    public GenerationSettings {
        if (decoding == null) throw new IllegalArgumentException("decoding is required");
        if (beams < 1) throw new IllegalArgumentException("beams must be at least 1, got " + beams);
        if (!Double.isFinite(lengthPenalty)) throw new IllegalArgumentException("lengthPenalty must be finite");
        if (noRepeatNgram < 0) throw new IllegalArgumentException("noRepeatNgram must be 0 (off) or more, got " + noRepeatNgram);
        if (maxNewTokens < 1) throw new IllegalArgumentException("maxNewTokens must be at least 1, got " + maxNewTokens);
        if (stopTokens == null) throw new IllegalArgumentException("stopTokens is required (may be empty)");
        stopTokens = Set.copyOf(stopTokens);
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a positive number, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        if (contextsPerBatch < 1) throw new IllegalArgumentException("contextsPerBatch must be at least 1, got " + contextsPerBatch);
    }

    /**
     * The LoRA paper's E2E decoding (microsoft/LoRA examples/NLG, gpt2_beam.py as its README runs it): beam 10,
     * length penalty 0.8, no repeated 4-gram, at most 64 new tokens, stop at end of text or "\n\n".
     */
    public static GenerationSettings e2ePaperDefaults() {
        return new GenerationSettings(Decoding.BEAM, 10, 0.8, 4, 64, Set.of(EOS, DOUBLE_NEWLINE), 1.0, 1.0, 0, 10, true);
    }

    /** These settings with greedy decoding. */
    public GenerationSettings greedy() {
        return new GenerationSettings(Decoding.GREEDY, beams, lengthPenalty, noRepeatNgram, maxNewTokens, stopTokens,
                temperature, topP, seed, contextsPerBatch, useCache);
    }

    /** These settings with nucleus sampling. */
    public GenerationSettings sampling(double temperature, double topP, long seed) {
        return new GenerationSettings(Decoding.SAMPLE, beams, lengthPenalty, noRepeatNgram, maxNewTokens, stopTokens,
                temperature, topP, seed, contextsPerBatch, useCache);
    }

    /** These settings with beam search of {@code beams} hypotheses. */
    public GenerationSettings withBeams(int beams) {
        return new GenerationSettings(Decoding.BEAM, beams, lengthPenalty, noRepeatNgram, maxNewTokens, stopTokens,
                temperature, topP, seed, contextsPerBatch, useCache);
    }

    public GenerationSettings withMaxNewTokens(int maxNewTokens) {
        return new GenerationSettings(decoding, beams, lengthPenalty, noRepeatNgram, maxNewTokens, stopTokens,
                temperature, topP, seed, contextsPerBatch, useCache);
    }

    public GenerationSettings withContextsPerBatch(int contextsPerBatch) {
        return new GenerationSettings(decoding, beams, lengthPenalty, noRepeatNgram, maxNewTokens, stopTokens,
                temperature, topP, seed, contextsPerBatch, useCache);
    }

    public GenerationSettings withCache(boolean useCache) {
        return new GenerationSettings(decoding, beams, lengthPenalty, noRepeatNgram, maxNewTokens, stopTokens,
                temperature, topP, seed, contextsPerBatch, useCache);
    }

    public boolean isStop(int token) {
        return stopTokens.contains(token);
    }
}
