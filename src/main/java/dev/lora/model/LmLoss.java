package dev.lora.model;

import dev.lora.model.kernels.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Cross-entropy of the tied LM head at chosen rows of the hidden states, with PyTorch's label
 * smoothing e: per token (1 - e) * nll + e * mean over the vocabulary of -log p. Logits are made
 * only for the rows that carry a target, a chunk at a time, so the [tokens, vocab] matrix of a
 * whole batch never exists.
 */
public final class LmLoss {
    /** Rows of logits made at a time. */
    public static final int CHUNK = 256;

    private LmLoss() {
    }

    /**
     * @param sum    the summed per-token loss (divide by the token count for the mean)
     * @param tokens the number of target tokens
     * @param dHidden dL/d(hidden) for L = gradScale * sum, or null when no gradient was asked for
     */
    public record Result(double sum, int tokens, INDArray dHidden) {
    }

    /**
     * @param rows      hidden-state rows whose next token is a target
     * @param targets   the target token of each row
     * @param gradScale multiplier of the summed loss for the gradient (e.g. 1 / tokens); 0 for none
     */
    public static Result compute(Gpt2Model model, INDArray hidden, int[] rows, int[] targets, double smoothing,
                                 double gradScale) {
        if (rows.length != targets.length) throw new IllegalArgumentException("rows and targets differ in length");
        INDArray head = model.lmHead();
        Kernels kernels = model.kernels();
        INDArray dHidden = gradScale != 0 ? Nd4j.zeros(hidden.dataType(), hidden.shape()) : null;
        double sum = 0;
        for (int from = 0; from < rows.length; from += CHUNK) {
            int n = Math.min(CHUNK, rows.length - from);
            int[] chunkRows = java.util.Arrays.copyOfRange(rows, from, from + n);
            INDArray logits = kernels.timesTransposed(Nd4j.pullRows(hidden, 1, chunkRows), head);
            Kernels.LossOut chunk = kernels.lossRows(logits, targets, from, smoothing, dHidden != null);
            sum += chunk.sum();
            if (dHidden != null) {
                // The scale goes into the gemm's alpha.
                INDArray dRows = Nd4j.createUninitialized(hidden.dataType(), new long[]{n, head.size(1)}, 'c');
                kernels.gemm(gradScale, chunk.dLogits(), false, head, false, 0, dRows);
                kernels.addRows(dHidden, chunkRows, dRows);
            }
        }
        return new Result(sum, rows.length, dHidden);
    }
}
