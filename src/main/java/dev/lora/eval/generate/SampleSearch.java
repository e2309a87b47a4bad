package dev.lora.eval.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Greedy decoding and nucleus sampling: one sequence per prompt. Each step takes the float64 log-softmax of
 * the logits (divided by the temperature when sampling), bans repeated n-grams as beam search does, then
 * picks the most probable token (lowest id on ties) or draws one with {@link NucleusSampler}. A stop token
 * ends the sequence and is not kept; so does reaching the prompt's budget, or (only possible with tiny
 * vocabularies) a step where every token is banned.
 */
final class SampleSearch {
    private SampleSearch() {
    }

    /**
     * Generated tokens per prompt; {@code budgets[i]} caps prompt i's length; {@code ids[i]} is prompt i's
     * index in the caller's whole list, which with the seed fixes its random numbers.
     */
    static List<int[]> run(NextTokenScorer scorer, List<int[]> prompts, int[] budgets, int[] ids, GenerationSettings s) {
        int n = prompts.size();
        boolean greedy = s.decoding() == Decoding.GREEDY;
        SplittableRandom[] rngs = new SplittableRandom[n];
        for (int i = 0; i < n; i++) rngs[i] = new SplittableRandom(seedFor(s.seed(), ids[i]));
        List<List<Integer>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(new ArrayList<>());
        int[] rowPrompt = new int[n];
        Arrays.setAll(rowPrompt, i -> i);
        double[][] logits = scorer.start(prompts, Arrays.stream(budgets).max().orElse(1));
        while (true) {
            List<Integer> parents = new ArrayList<>();
            List<Integer> tokens = new ArrayList<>();
            for (int row = 0; row < rowPrompt.length; row++) {
                int p = rowPrompt[row];
                List<Integer> seq = out.get(p);
                double[] logp = LogSoftmax.inPlace(logits[row], greedy ? 1 : s.temperature());
                NgramBan.apply(seq.stream().mapToInt(Integer::intValue).toArray(), s.noRepeatNgram(), logp);
                int t = greedy ? argmax(logp) : NucleusSampler.draw(logp, s.topP(), rngs[p]);
                if (t < 0 || s.isStop(t)) continue;
                seq.add(t);
                if (seq.size() >= budgets[p]) continue;
                parents.add(row);
                tokens.add(t);
            }
            if (parents.isEmpty()) break;
            int[] nextRows = new int[parents.size()];
            for (int i = 0; i < nextRows.length; i++) nextRows[i] = rowPrompt[parents.get(i)];
            rowPrompt = nextRows;
            logits = scorer.step(parents.stream().mapToInt(Integer::intValue).toArray(),
                    tokens.stream().mapToInt(Integer::intValue).toArray());
        }
        return out.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toList();
    }

    /** The first most probable token, or -1 if every token is banned. */
    static int argmax(double[] logp) {
        int best = -1;
        for (int t = 0; t < logp.length; t++) {
            if (logp[t] != Double.NEGATIVE_INFINITY && (best < 0 || logp[t] > logp[best])) best = t;
        }
        return best;
    }

    /**
     * Distinct, well-mixed seeds per prompt: SplittableRandom streams of seeds that differ by a multiple of its
     * increment would overlap, so (seed, index) goes through two rounds of the SplitMix64 finaliser.
     */
    static long seedFor(long seed, int index) {
        return mix(mix(seed) + index);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
