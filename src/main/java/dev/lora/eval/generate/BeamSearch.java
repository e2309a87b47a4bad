package dev.lora.eval.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Beam search as the LoRA paper decodes E2E (microsoft/LoRA examples/NLG/src/gpt2_beam.py), batched over
 * prompts: every prompt's live hypotheses are rows of one {@link NextTokenScorer}.
 *
 * <p>The algorithm, per prompt, with K = {@code beams}, n = {@code noRepeatNgram}, lp = {@code lengthPenalty}
 * and M = the prompt's token budget (maxNewTokens, or less where n_positions ends first):
 * <ol>
 * <li>A hypothesis is a sequence of generated tokens with a score S, the sum over its tokens of their float64
 * log-softmax log-probabilities. The search starts from one empty hypothesis with S = 0.</li>
 * <li>Each step scores every (live hypothesis h, vocabulary token t) candidate as S(h) + log p(t | prompt, h),
 * where log p(t) is -infinity if t would complete an n-gram already among h's tokens. Candidates scoring
 * -infinity are never kept.</li>
 * <li>The K best candidates over all live hypotheses together are kept (K per step, not K per hypothesis),
 * ordered by score, higher first; equal scores go to the lower rank of h, then to the lower token id.</li>
 * <li>In that order, each kept candidate whose last token is a stop token finishes, with length L = its number
 * of tokens including the stop token and final score S / L^lp. A kept candidate that has reached M tokens
 * without a stop token finishes the same way (L = M). The other kept candidates, in that order, are the live
 * hypotheses of the next step: K minus the number that finished. As in gpt2_beam.py, a slot freed by a
 * finished hypothesis is not refilled within the step.</li>
 * <li>The search ends when no hypothesis is live. If a step has no candidate at all (every token banned),
 * each live hypothesis finishes as it is, scored with its length like one at the budget.</li>
 * <li>The result is the finished hypothesis with the highest final score; on equal final scores the one that
 * finished first (earlier step, then better rank) wins. The output is its tokens without the stop token (an
 * empty output if nothing ever finished with a token).</li>
 * </ol>
 *
 * <p>One shortcut leaves the result unchanged: log-probabilities are at most 0, so a live hypothesis of score
 * S and L tokens can at best finish with S / max((L + 1)^lp, M^lp). Once the best finished score is at least
 * that bound for every live hypothesis, nothing can replace it (a later equal score does not win), and the
 * prompt's search stops early. gpt2_beam.py instead always runs its full length.
 */
final class BeamSearch {
    private BeamSearch() {
    }

    /** Generated tokens per prompt (without the stop token); {@code budgets[i]} is prompt i's M. */
    static List<int[]> run(NextTokenScorer scorer, List<int[]> prompts, int[] budgets, GenerationSettings s) {
        List<Beam> beams = new ArrayList<>();
        for (int budget : budgets) beams.add(new Beam(budget, s));
        double[][] logits = scorer.start(prompts, Arrays.stream(budgets).max().orElse(1));
        List<Beam> active = new ArrayList<>(beams);
        while (true) {
            List<Beam> next = new ArrayList<>();
            List<Integer> parents = new ArrayList<>();
            List<Integer> tokens = new ArrayList<>();
            int row = 0;
            for (Beam b : active) {
                int rows = b.live.size();
                b.advance(Arrays.copyOfRange(logits, row, row + rows));
                for (Hypothesis h : b.live) {
                    parents.add(row + h.parent());
                    tokens.add(h.tokens()[h.tokens().length - 1]);
                }
                if (!b.live.isEmpty()) next.add(b);
                row += rows;
            }
            if (next.isEmpty()) break;
            active = next;
            logits = scorer.step(parents.stream().mapToInt(Integer::intValue).toArray(),
                    tokens.stream().mapToInt(Integer::intValue).toArray());
        }
        return beams.stream().map(Beam::result).toList();
    }

    /** Generated tokens, the score S, and the rank of the hypothesis it extends among the previous live ones. */
    record Hypothesis(int[] tokens, double score, int parent) {
        int last() {
            return tokens[tokens.length - 1];
        }
    }

    /** One prompt's search state. */
    private static final class Beam {
        private final int budget;
        private final GenerationSettings s;
        private List<Hypothesis> live = List.of(new Hypothesis(new int[0], 0, 0));
        private Hypothesis best;
        private double bestScore;

        Beam(int budget, GenerationSettings s) {
            this.budget = budget;
            this.s = s;
        }

        /** One step: {@code logits[i]} is the next-token distribution of live hypothesis i. */
        void advance(double[][] logits) {
            Candidates kept = new Candidates(s.beams());
            for (int h = 0; h < live.size(); h++) {
                Hypothesis hyp = live.get(h);
                double[] logp = LogSoftmax.inPlace(logits[h]);
                NgramBan.apply(hyp.tokens(), s.noRepeatNgram(), logp);
                for (int t = 0; t < logp.length; t++) {
                    if (logp[t] != Double.NEGATIVE_INFINITY) kept.offer(hyp.score() + logp[t], h, t);
                }
            }
            if (kept.size() == 0) {
                live.stream().filter(h -> h.tokens().length > 0).forEach(this::finish);
                live = List.of();
                return;
            }
            List<Hypothesis> next = new ArrayList<>();
            for (int i = 0; i < kept.size(); i++) {
                int[] parentTokens = live.get(kept.hyp[i]).tokens();
                int[] tokens = Arrays.copyOf(parentTokens, parentTokens.length + 1);
                tokens[parentTokens.length] = kept.token[i];
                Hypothesis h = new Hypothesis(tokens, kept.score[i], kept.hyp[i]);
                if (s.isStop(h.last()) || tokens.length >= budget) finish(h);
                else next.add(h);
            }
            live = next;
            if (best != null && live.stream().allMatch(h -> bestScore >= bound(h))) live = List.of();
        }

        private void finish(Hypothesis h) {
            double score = h.score() / Math.pow(h.tokens().length, s.lengthPenalty());
            if (best == null || score > bestScore) {
                best = h;
                bestScore = score;
            }
        }

        /** The best final score {@code h} could still reach (see the class comment). */
        private double bound(Hypothesis h) {
            double lp = s.lengthPenalty();
            return h.score() / Math.max(Math.pow(h.tokens().length + 1, lp), Math.pow(budget, lp));
        }

        int[] result() {
            if (best == null) return new int[0];
            int[] t = best.tokens();
            return s.isStop(best.last()) ? Arrays.copyOf(t, t.length - 1) : t;
        }
    }

    /** The K best (score, hypothesis, token) offers, best first; offers arrive in (hypothesis, token) order. */
    private static final class Candidates {
        final double[] score;
        final int[] hyp;
        final int[] token;
        private int size;

        Candidates(int k) {
            score = new double[k];
            hyp = new int[k];
            token = new int[k];
        }

        int size() {
            return size;
        }

        void offer(double sc, int h, int t) {
            int k = score.length;
            // An equal score arrived earlier, i.e. from a lower hypothesis rank or token id: it stays ahead.
            if (size == k && sc <= score[k - 1]) return;
            int at = size == k ? k - 1 : size;
            while (at > 0 && score[at - 1] < sc) at--;
            int move = Math.min(size, k - 1) - at;
            System.arraycopy(score, at, score, at + 1, move);
            System.arraycopy(hyp, at, hyp, at + 1, move);
            System.arraycopy(token, at, token, at + 1, move);
            score[at] = sc;
            hyp[at] = h;
            token[at] = t;
            if (size < k) size++;
        }
    }
}
