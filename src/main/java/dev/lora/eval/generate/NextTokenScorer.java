package dev.lora.eval.generate;

import java.util.List;

/**
 * The model side of decoding: next-token logits for rows of growing token sequences. The searches
 * only talk to this, so tests can drive them with hand-made distributions; production uses
 * {@link CachedScorer} (key/value cache) or {@link RecomputingScorer} (full forward pass each step).
 */
interface NextTokenScorer {
    /**
     * Starts one row per prompt (row i is prompt i) that may grow by up to {@code maxNewTokens} tokens, and
     * returns each row's logits for its next token, [rows][vocab]. Logits are unnormalised: the searches take
     * their log-softmax, in place: the returned rows are the searches' until the next call (a scorer may reuse
     * them then, and must not hand out arrays it still reads).
     */
    double[][] start(List<int[]> prompts, int maxNewTokens);

    /**
     * Replaces the rows: new row i is old row {@code parents[i]} followed by {@code tokens[i]} (rows may be
     * repeated or left out). Returns the new rows' next-token logits, [parents.length][vocab].
     */
    double[][] step(int[] parents, int[] tokens);
}
