package dev.lora.eval.generate;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static dev.lora.eval.generate.StubScorer.probs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Nucleus sampling and temperature against probabilities worked out by hand; seeding. */
class SamplingTest {
    private static final int N = 4000; // draws: a frequency's standard error is at most 0.008

    @Test
    void nucleusKeepsTheSmallestTopSetReachingTopPAndRenormalises() {
        // .5 + .3 reaches .7: the nucleus is {0, 1}, drawn as .5/.8 and .3/.8.
        double[] logp = LogSoftmax.inPlace(probs(4, Map.of(0, .5, 1, .3, 2, .15, 3, .05)));
        double[] freq = frequencies(logp, 0.7, 4);
        assertThat(freq[0]).isCloseTo(.625, within(.03));
        assertThat(freq[1]).isCloseTo(.375, within(.03));
        assertThat(freq[2] + freq[3]).isZero();

        double[] all = frequencies(logp, 1.0, 4);
        assertThat(all).containsExactly(new double[]{.5, .3, .15, .05}, within(.03));
    }

    @Test
    void nucleusRanksEqualProbabilitiesByTokenIdAndSkipsImpossibleTokens() {
        double[] logp = LogSoftmax.inPlace(probs(5, Map.of(3, .4, 1, .4, 2, .2)));
        assertThat(frequencies(logp, 0.3, 5)[1]).isEqualTo(1.0); // tokens 1 and 3 tie: 1 ranks first
        double[] banned = new double[3];
        Arrays.fill(banned, Double.NEGATIVE_INFINITY);
        assertThat(NucleusSampler.draw(banned, 0.9, new SplittableRandom(1))).isEqualTo(-1);
    }

    /** logits [0, ln 2] at temperature 0.5 are [0, 2 ln 2]: probabilities 1/5, 4/5; at 2, [0, ln 2 / 2]: 0.414, 0.586. */
    @Test
    void temperatureDividesTheLogits() {
        double[] logits = {0, Math.log(2), Double.NEGATIVE_INFINITY};
        double[] cold = sampleFirstTokens(logits, 0.5);
        assertThat(cold[0]).isCloseTo(.2, within(.03));
        assertThat(cold[1]).isCloseTo(.8, within(.03));
        double[] hot = sampleFirstTokens(logits, 2.0);
        double p0 = 1 / (1 + Math.sqrt(2));
        assertThat(hot[0]).isCloseTo(p0, within(.03));
        assertThat(hot[1]).isCloseTo(1 - p0, within(.03));
    }

    @Test
    void eachPromptDrawsFromItsOwnSeededStreamWhateverTheBatch() {
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < 10; i++) prompts.add(new int[]{i % 3});
        int[] budgets = new int[10];
        Arrays.fill(budgets, 12);
        int[] ids = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        GenerationSettings s = BeamSearchTest.beam(1, 0.8, 0, Set.of(0)).sampling(1.0, 0.95, 42);
        List<int[]> all = SampleSearch.run(new StubScorer(BeamSearchTest::pseudoRandom), prompts, budgets, ids, s);
        List<int[]> again = SampleSearch.run(new StubScorer(BeamSearchTest::pseudoRandom), prompts, budgets, ids, s);
        List<int[]> last = SampleSearch.run(new StubScorer(BeamSearchTest::pseudoRandom), prompts.subList(7, 10),
                Arrays.copyOfRange(budgets, 7, 10), Arrays.copyOfRange(ids, 7, 10), s);
        for (int i = 0; i < 10; i++) assertThat(again.get(i)).containsExactly(all.get(i));
        for (int i = 0; i < 3; i++) assertThat(last.get(i)).containsExactly(all.get(7 + i));
        // Prompts 0, 3, 6 and 9 are equal: only their seeds differ.
        assertThat(List.of(all.get(3), all.get(6), all.get(9)).stream().filter(o -> !Arrays.equals(o, all.get(0))))
                .isNotEmpty();
        List<int[]> otherSeed = SampleSearch.run(new StubScorer(BeamSearchTest::pseudoRandom), prompts, budgets, ids,
                s.sampling(1.0, 0.95, 43));
        assertThat(IntStream.range(0, 10).filter(i -> !Arrays.equals(otherSeed.get(i), all.get(i))).count()).isPositive();
    }

    @Test
    void samplingStopsAtAStopTokenOrTheBudget() {
        // Token 1 for sure until 3 tokens exist, then stop token 0 for sure.
        StubScorer.Table table = (prompt, g) -> g.length < 3 ? probs(2, Map.of(1, 1.0)) : probs(2, Map.of(0, 1.0));
        GenerationSettings s = BeamSearchTest.beam(1, 0.8, 0, Set.of(0)).sampling(0.7, 0.9, 1);
        List<int[]> out = SampleSearch.run(new StubScorer(table), List.of(new int[]{1}, new int[]{1}), new int[]{8, 2},
                new int[]{0, 1}, s);
        assertThat(out.get(0)).containsExactly(1, 1, 1);
        assertThat(out.get(1)).containsExactly(1, 1);
    }

    private static double[] frequencies(double[] logp, double topP, int vocab) {
        SplittableRandom rng = new SplittableRandom(9);
        int[] counts = new int[vocab];
        for (int i = 0; i < N; i++) counts[NucleusSampler.draw(logp, topP, rng)]++;
        return Arrays.stream(counts).mapToDouble(c -> (double) c / N).toArray();
    }

    /** The first token of N one-token samples, one prompt each (each its own seeded stream). */
    private static double[] sampleFirstTokens(double[] logits, double temperature) {
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < N; i++) prompts.add(new int[]{0});
        int[] budgets = new int[N];
        Arrays.fill(budgets, 1);
        int[] ids = new int[N];
        Arrays.setAll(ids, i -> i);
        GenerationSettings s = BeamSearchTest.beam(1, 0.8, 0, Set.of()).sampling(temperature, 1.0, 7);
        List<int[]> out = SampleSearch.run(new StubScorer((p, g) -> logits), prompts, budgets, ids, s);
        int[] counts = new int[logits.length];
        for (int[] o : out) counts[o[0]]++;
        return Arrays.stream(counts).mapToDouble(c -> (double) c / N).toArray();
    }
}
