package dev.lora.eval.generate;

import dev.lora.adapter.LoraModel;
import dev.lora.model.Gpt2Config;
import dev.lora.model.Gpt2Model;

import java.io.Serializable;
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
        List<PromptBatch> plan = plan(model.config(), prompts, s);
        return place(prompts.size(), plan, decodeAll(model, plan, s, progress));
    }

    /**
     * Every batch's outputs, in batch order, on this model (its weights laid out for decoding first); after each
     * batch {@code progress} receives the number of prompts done so far.
     */
    public static List<List<int[]>> decodeAll(Gpt2Model model, List<PromptBatch> batches, GenerationSettings s, IntConsumer progress) {
        model.weights().layOutForDecoding();
        List<List<int[]>> outputs = new ArrayList<>();
        int done = 0;
        for (PromptBatch b : batches) {
            outputs.add(decode(model, b, s));
            progress.accept(done += b.ids().length);
        }
        return outputs;
    }

    /**
     * Prompts decoded together: their indices in the call's list, their tokens and their new-token budgets. A batch's
     * outputs depend only on the batch, so batches may be decoded anywhere (a Spark executor, say) in any order.
     */
    public record PromptBatch(int[] ids, int[][] prompts, int[] budgets) implements Serializable {
    }

    /**
     * The batches {@link #generate} decodes: prompts sorted by length (to waste little padding) in groups of
     * {@code contextsPerBatch}; checks every prompt fits the model.
     */
    public static List<PromptBatch> plan(Gpt2Config config, List<int[]> prompts, GenerationSettings s) {
        int[] budgets = budgets(config, prompts, s);
        Integer[] order = IntStream.range(0, prompts.size()).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt(i -> prompts.get(i).length));
        List<PromptBatch> plan = new ArrayList<>();
        for (int from = 0; from < order.length; from += s.contextsPerBatch()) {
            int[] ids = Arrays.stream(order, from, Math.min(order.length, from + s.contextsPerBatch())).mapToInt(Integer::intValue).toArray();
            plan.add(new PromptBatch(ids, Arrays.stream(ids).mapToObj(prompts::get).toArray(int[][]::new),
                    Arrays.stream(ids).map(i -> budgets[i]).toArray()));
        }
        return plan;
    }

    /** One batch's outputs, in the batch's order (the model's weights laid out for decoding, or not: same outputs). */
    public static List<int[]> decode(Gpt2Model model, PromptBatch b, GenerationSettings s) {
        NextTokenScorer scorer = s.useCache() ? new CachedScorer(model) : new RecomputingScorer(model);
        List<int[]> batch = Arrays.asList(b.prompts());
        return s.decoding() == Decoding.BEAM
                ? BeamSearch.run(scorer, batch, b.budgets(), s)
                : SampleSearch.run(scorer, batch, b.budgets(), b.ids(), s);
    }

    /** The outputs of {@code plan}'s batches put back in prompt order. */
    public static List<int[]> place(int prompts, List<PromptBatch> plan, List<List<int[]>> outputs) {
        int[][] out = new int[prompts][];
        for (int k = 0; k < plan.size(); k++) {
            int[] ids = plan.get(k).ids();
            for (int i = 0; i < ids.length; i++) out[ids[i]] = outputs.get(k).get(i);
        }
        return new ArrayList<>(Arrays.asList(out));
    }

    /**
     * As {@link #generate(Gpt2Model, List, GenerationSettings, IntConsumer)} on the adapted model: generation's
     * passes are inference passes, so the adapters' dropout never drops anything.
     */
    public static List<int[]> generate(LoraModel model, List<int[]> prompts, GenerationSettings s, IntConsumer progress) {
        return generate(model.model(), prompts, s, progress);
    }

    private static int[] budgets(Gpt2Config config, List<int[]> prompts, GenerationSettings s) {
        int positions = config.nPositions(), vocab = config.vocabSize();
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
