package dev.lora.eval.generate;

import dev.lora.lora.LoraModel;
import dev.lora.model.Gpt2Model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Generates completions of prompts (PromptFormat.promptTokens: the context's tokens then end of text).
 * Prompts are decoded {@code contextsPerBatch} at a time, batched over prompts and, for beam search, over
 * each prompt's beams; prompts of similar length are batched together to waste little padding. Outputs do
 * not depend on the batching beyond floating-point rounding.
 */
public final class Generator {
    private Generator() {
    }

    /**
     * The generated token ids of each prompt, in prompt order, cut before the stop token. A prompt may be at
     * most n_positions - 1 tokens long; its output then has at most
     * min(maxNewTokens, n_positions - prompt length) tokens. After each batch, {@code progress} receives the
     * number of prompts finished so far. Leaves the model's projection weights in the layout decoding reads
     * fastest ({@link dev.lora.model.Gpt2Weights#layOutForDecoding}); the model computes the same either way.
     */
    public static List<int[]> generate(Gpt2Model model, List<int[]> prompts, GenerationSettings s, IntConsumer progress) {
        int[] budgets = budgets(model, prompts, s);
        model.weights().layOutForDecoding();
        Integer[] order = IntStream.range(0, prompts.size()).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt(i -> prompts.get(i).length));
        int[][] out = new int[prompts.size()][];
        int done = 0;
        for (int from = 0; from < order.length; from += s.contextsPerBatch()) {
            int[] ids = Arrays.stream(order, from, Math.min(order.length, from + s.contextsPerBatch()))
                    .mapToInt(Integer::intValue).toArray();
            List<int[]> batch = Arrays.stream(ids).mapToObj(prompts::get).toList();
            int[] batchBudgets = Arrays.stream(ids).map(i -> budgets[i]).toArray();
            NextTokenScorer scorer = s.useCache() ? new CachedScorer(model) : new RecomputingScorer(model);
            List<int[]> results = s.decoding() == Decoding.BEAM
                    ? BeamSearch.run(scorer, batch, batchBudgets, s)
                    : SampleSearch.run(scorer, batch, batchBudgets, ids, s);
            for (int i = 0; i < ids.length; i++) out[ids[i]] = results.get(i);
            done += ids.length;
            progress.accept(done);
        }
        return new ArrayList<>(Arrays.asList(out));
    }

    /**
     * As {@link #generate(Gpt2Model, List, GenerationSettings, IntConsumer)} on the adapted model, after turning
     * the adapters' dropout off ({@code dropout().eval()}): a trainer may have left it in training mode, and
     * generation must never drop anything. The trainer restarts dropout before its next micro-batch anyway.
     */
    public static List<int[]> generate(LoraModel model, List<int[]> prompts, GenerationSettings s, IntConsumer progress) {
        model.dropout().eval();
        return generate(model.model(), prompts, s, progress);
    }

    private static int[] budgets(Gpt2Model model, List<int[]> prompts, GenerationSettings s) {
        int positions = model.config().nPositions(), vocab = model.config().vocabSize();
        int[] budgets = new int[prompts.size()];
        for (int i = 0; i < budgets.length; i++) {
            int[] p = prompts.get(i);
            if (p.length == 0) throw new IllegalArgumentException("prompt " + i + " is empty");
            if (p.length >= positions) {
                throw new IllegalArgumentException("prompt " + i + " has " + p.length + " tokens, leaving no room to"
                        + " generate within the model's n_positions " + positions + "; truncate the context");
            }
            for (int t : p) {
                if (t < 0 || t >= vocab) throw new IllegalArgumentException("prompt " + i + " has token id " + t
                        + " outside the vocabulary [0, " + vocab + ")");
            }
            budgets[i] = Math.min(s.maxNewTokens(), positions - p.length);
        }
        return budgets;
    }
}
