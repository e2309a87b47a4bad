package dev.lora.eval.generate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static dev.lora.eval.generate.StubScorer.probs;
import static org.assertj.core.api.Assertions.assertThat;

/** Beam search on hand-made distributions whose outcomes are worked out by hand in each test. */
class BeamSearchTest {
    private static final int[] PROMPT = {3, 0};

    static GenerationSettings beam(int beams, double lengthPenalty, int ngram, Set<Integer> stops) {
        return new GenerationSettings(Decoding.BEAM, beams, lengthPenalty, ngram, 64, stops, 1, 1, 0, 10, true);
    }

    static int[] run(StubScorer scorer, int budget, GenerationSettings s) {
        return BeamSearch.run(scorer, List.of(PROMPT), new int[]{budget}, s).get(0);
    }

    /**
     * Token 0 stops. Short: [0] with S = ln .5 = -0.6931, L = 1, final -0.6931 whatever the penalty. Long:
     * [1, 1, 0] with S = ln .45 + 2 ln .9 = -1.0093, L = 3, final -1.0093 / 3^lp, better than the short one iff
     * 3^lp &gt; 1.4562, i.e. lp &gt; 0.342. Every other hypothesis is far worse (it takes a .05 or .1 branch).
     */
    @ParameterizedTest(name = "length penalty {0}")
    @CsvSource({"0.0, ''", "0.3, ''", "0.4, 1 1", "0.8, 1 1", "1.0, 1 1"})
    void lengthPenaltyDecidesBetweenAShortAndALongHypothesis(double lengthPenalty, String expected) {
        StubScorer scorer = new StubScorer((prompt, g) -> {
            if (g.length == 0) return probs(4, Map.of(0, .5, 1, .45, 2, .05));
            if (Arrays.equals(g, new int[]{1})) return probs(4, Map.of(1, .9, 0, .05, 2, .05));
            if (Arrays.equals(g, new int[]{1, 1})) return probs(4, Map.of(0, .9, 2, .1));
            return probs(4, Map.of(0, .25, 1, .25, 2, .25, 3, .25));
        });
        assertThat(run(scorer, 5, beam(2, lengthPenalty, 0, Set.of(0)))).containsExactly(ids(expected));
    }

    /** The most probable path is 1, 2, 3, ... (p .9 each; the other .1 goes to token 0, never a stop here). */
    @ParameterizedTest(name = "stop tokens {0}")
    @CsvSource({"'3', 1 2", "'3 5', 1 2", "'5', 1 2 3 4", "'6 5', 1 2 3 4", "'', 1 2 3 4 5 6"})
    void anyStopTokenEndsAHypothesisAndIsCutFromTheOutput(String stops, String expected) {
        StubScorer scorer = new StubScorer((prompt, g) -> probs(8, Map.of(g.length + 1, .9, 0, .1)));
        Set<Integer> stopSet = new HashSet<>();
        for (int t : ids(stops)) stopSet.add(t);
        // The prompt holds stop tokens too: only generated tokens stop a hypothesis.
        int[] out = BeamSearch.run(scorer, List.of(new int[]{1, 3, 5}), new int[]{6}, beam(3, 0.8, 0, stopSet)).get(0);
        assertThat(out).containsExactly(ids(expected));
    }

    /**
     * Budget 2: [1, 1] reaches it unfinished with S = 2 ln .7 = -0.7133 and is scored like a finished one,
     * -0.7133 / 2^lp; the stopped [0] has ln .3 = -1.2040. lp = 0: the cut hypothesis wins, kept whole.
     */
    @Test
    void aHypothesisCutAtTheBudgetIsScoredWithItsLength() {
        StubScorer scorer = new StubScorer((prompt, g) -> probs(3, Map.of(0, .3, 1, .7)));
        assertThat(run(scorer, 2, beam(2, 0.0, 0, Set.of(0)))).containsExactly(1, 1);
        assertThat(scorer.steps).isEqualTo(1); // the budget's last token is never fed back
    }

    /**
     * Always 1 (.7), 2 (.2), 3 (.1); token 0 has probability 0. With n = 2: 1, 1 (bigram 1 1 now seen, so 1
     * after 1 is banned), 2, 1, (1 1 and 1 2 seen) 3, 1, and then 1, 2 and 3 are all banned after 1: the
     * search ends there. With n = 1 every token may appear once. With n = 3: 1 1 1, then 2 (1 1 1 seen), 1 1,
     * then 3 (1 1 1 and 1 1 2 seen), 1. With n = 4 (the paper's): 1 1 1 1, 2, then 1s (no 4-gram repeats yet).
     */
    @ParameterizedTest(name = "n = {0}")
    @CsvSource({"0, 1 1 1 1 1 1 1 1", "1, 1 2 3", "2, 1 1 2 1 3 1", "3, 1 1 1 2 1 1 3 1", "4, 1 1 1 1 2 1 1 1"})
    void repeatedNgramsAreBannedInBeamSearchAndGreedy(int n, String expected) {
        StubScorer.Table table = (prompt, g) -> probs(4, Map.of(1, .7, 2, .2, 3, .1));
        GenerationSettings s = beam(1, 0.8, n, Set.of(0));
        assertThat(run(new StubScorer(table), 8, s)).as("beam 1").containsExactly(ids(expected));
        assertThat(SampleSearch.run(new StubScorer(table), List.of(PROMPT), new int[]{8}, new int[]{0}, s.greedy()).get(0))
                .as("greedy").containsExactly(ids(expected));
    }

    @Test
    void ngramBanLooksOnlyAtTheGeneratedTokens() {
        double[] logp = new double[10];
        NgramBan.apply(new int[]{5, 6, 7, 8, 5, 6, 7}, 4, logp);
        assertThat(banned(logp)).containsExactly(8);

        logp = new double[10];
        NgramBan.apply(new int[]{5, 6, 7, 5, 6, 9, 5, 6}, 3, logp);
        assertThat(banned(logp)).containsExactly(7, 9);

        logp = new double[10];
        NgramBan.apply(new int[]{5, 6, 7}, 4, logp); // fewer than 4 tokens: no 4-gram yet
        assertThat(banned(logp)).isEmpty();

        logp = new double[10];
        NgramBan.apply(new int[]{4, 2, 4}, 0, logp);
        assertThat(banned(logp)).isEmpty();
    }

    /**
     * Tokens 1 and 2 are equally likely (.5); both then stop for sure, so [1, 0] and [2, 0] have bitwise
     * equal final scores, finishing in the same step: the better-ranked one, from the lower token id, wins.
     */
    @Test
    void tiesGoToTheLowerTokenIdAndTheEarlierRank() {
        StubScorer.Table table = (prompt, g) -> g.length == 0 ? probs(3, Map.of(2, .5, 1, .5)) : probs(3, Map.of(0, 1.0));
        assertThat(run(new StubScorer(table), 5, beam(2, 0.8, 0, Set.of(0)))).containsExactly(1);
        assertThat(run(new StubScorer(table), 5, beam(5, 0.8, 0, Set.of(0)))).containsExactly(1);
        assertThat(SampleSearch.argmax(new double[]{-2, -1, -1, -3})).isEqualTo(1);
    }

    /**
     * [0] stops at once with ln .9 = -0.1054. [1] has S = ln .1 = -2.3026 and then continues with probability 1,
     * so it can at best finish at the budget 20 with -2.3026 / 20^lp. lp = 0.8: that is -0.2097, below
     * -0.1054, and the search stops after the first step. lp = 2: -0.0058 beats it, so the search must go on
     * to the budget, and the twenty 1s win.
     */
    @Test
    void searchStopsEarlyOnlyWhenNoLiveHypothesisCanWin() {
        StubScorer.Table table = (prompt, g) -> g.length == 0 ? probs(2, Map.of(0, .9, 1, .1)) : probs(2, Map.of(1, 1.0));
        StubScorer early = new StubScorer(table);
        assertThat(run(early, 20, beam(2, 0.8, 0, Set.of(0)))).isEmpty();
        assertThat(early.steps).isZero();

        StubScorer full = new StubScorer(table);
        int[] ones = new int[20];
        Arrays.fill(ones, 1);
        assertThat(run(full, 20, beam(2, 2.0, 0, Set.of(0)))).containsExactly(ones);
        assertThat(full.steps).isEqualTo(19);
    }

    /** Only K candidates per step in total: with K = 3 the search never feeds more than 3 rows per prompt. */
    @Test
    void batchedPromptsGetTheSameResultsAsAlone() {
        StubScorer.Table table = BeamSearchTest::pseudoRandom;
        List<int[]> prompts = List.of(new int[]{1, 2}, new int[]{7}, new int[]{4, 4, 4, 9});
        int[] budgets = {9, 4, 12};
        GenerationSettings s = beam(3, 0.8, 2, Set.of(0, 1));
        StubScorer batched = new StubScorer(table);
        List<int[]> together = BeamSearch.run(batched, prompts, budgets, s);
        for (int i = 0; i < prompts.size(); i++) {
            int[] alone = BeamSearch.run(new StubScorer(table), List.of(prompts.get(i)), new int[]{budgets[i]}, s).get(0);
            assertThat(together.get(i)).as("prompt %d", i).containsExactly(alone);
            assertThat(together.get(i).length).isLessThanOrEqualTo(budgets[i]);
        }
        assertThat(batched.rowsPerCall.get(0)).isEqualTo(3);
        assertThat(batched.rowsPerCall).allMatch(rows -> rows <= 9);
        assertThat(together.stream().mapToInt(o -> o.length).distinct().count()).as("varied lengths").isGreaterThan(1);
    }

    @Test
    void greedyEqualsBeamSearchWithOneBeam() {
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < 12; i++) prompts.add(new int[]{i, 2 * i});
        int[] budgets = new int[12];
        Arrays.fill(budgets, 15);
        GenerationSettings s = beam(1, 0.8, 3, Set.of(0));
        List<int[]> viaBeam = BeamSearch.run(new StubScorer(BeamSearchTest::pseudoRandom), prompts, budgets, s);
        int[] ids = new int[12];
        Arrays.setAll(ids, i -> i);
        List<int[]> viaGreedy = SampleSearch.run(new StubScorer(BeamSearchTest::pseudoRandom), prompts, budgets, ids, s.greedy());
        for (int i = 0; i < 12; i++) assertThat(viaGreedy.get(i)).containsExactly(viaBeam.get(i));
    }

    /** Peaked, reproducible logits over 12 tokens as a function of the whole sequence. */
    static double[] pseudoRandom(int[] prompt, int[] generated) {
        Random rng = new Random(31L * Arrays.hashCode(prompt) + Arrays.hashCode(generated));
        double[] logits = new double[12];
        for (int i = 0; i < logits.length; i++) logits[i] = 2.5 * rng.nextGaussian();
        return logits;
    }

    private static int[] ids(String s) {
        return s.isBlank() ? new int[0] : Arrays.stream(s.trim().split(" +")).mapToInt(Integer::parseInt).toArray();
    }

    private static List<Integer> banned(double[] logp) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < logp.length; i++) if (logp[i] == Double.NEGATIVE_INFINITY) out.add(i);
        return out;
    }
}
