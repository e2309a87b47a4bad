package dev.lora.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scatter.ScatterAdd;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LogSoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

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
        INDArray dHidden = gradScale != 0 ? Nd4j.zeros(hidden.dataType(), hidden.shape()) : null;
        double sum = 0;
        for (int from = 0; from < rows.length; from += CHUNK) {
            int n = Math.min(CHUNK, rows.length - from);
            int[] chunkRows = java.util.Arrays.copyOfRange(rows, from, from + n);
            INDArray logits = Gemm.timesTransposed(Nd4j.pullRows(hidden, 1, chunkRows), head);
            Kernels.LossOut chunk = Kernels.active().lossRows(logits, targets, from, smoothing, dHidden != null);
            sum += chunk.sum();
            if (dHidden != null) {
                // The scale goes into the gemm's alpha.
                INDArray dRows = Nd4j.createUninitialized(hidden.dataType(), new long[]{n, head.size(1)}, 'c');
                Gemm.product(gradScale, chunk.dLogits(), false, head, false, 0, dRows);
                // One native scatter-add of the chunk's gradient rows instead of an op per row.
                dHidden = Nd4j.getExecutioner().exec(new ScatterAdd(dHidden, Nd4j.createFromArray(chunkRows), dRows))[0];
            }
        }
        return new Result(sum, rows.length, dHidden);
    }

    /** The host kernels' loss rows: float32 fused in Java ({@link SmoothedCrossEntropy}), float64 as ND4J ops. */
    static Kernels.LossOut hostRows(INDArray logits, int[] targets, int from, double smoothing, boolean gradient) {
        if (Loops.isDouble(logits)) return rowsOps(logits, targets, from, smoothing, gradient);
        double[] rowLoss = new double[(int) logits.size(0)];
        SmoothedCrossEntropy.rows(logits, targets, from, smoothing, gradient, rowLoss);
        double sum = 0;
        for (double l : rowLoss) sum += l;
        return new Kernels.LossOut(sum, gradient ? logits : null);
    }

    /**
     * Loss rows as ND4J ops only: the nd4j kernels' form for both types, and the host kernels' for float64.
     * log_softmax, the targets' entries gathered from the flattened rows, one read of the chunk's loss, and the
     * gradient softmax - (1 - e) onehot - e / V with the onehot part scatter-added.
     */
    static Kernels.LossOut rowsOps(INDArray logits, int[] targets, int from, double smoothing, boolean gradient) {
        int n = (int) logits.size(0);
        long vocab = logits.size(1);
        INDArray logp = Nd4j.getExecutioner().exec(new LogSoftMax(logits, logits))[0];
        int[] at = new int[n];
        for (int i = 0; i < n; i++) at[i] = (int) (i * vocab + targets[from + i]);
        INDArray picked = Nd4j.pullRows(logp.reshape(n * vocab, 1), 1, at);
        double sum = picked.sum().muli(-(1 - smoothing)).subi(logp.mean(1).sum().muli(smoothing)).getDouble(0);
        if (!gradient) return new Kernels.LossOut(sum, null);
        INDArray d = Transforms.exp(logp, false).subi(smoothing / vocab);
        INDArray updates = Nd4j.valueArrayOf(new long[]{n, 1}, -(1 - smoothing), d.dataType());
        INDArray scattered = Nd4j.getExecutioner().exec(new ScatterAdd(d.reshape(n * vocab, 1), Nd4j.createFromArray(at), updates))[0];
        return new Kernels.LossOut(sum, scattered.reshape(n, vocab));
    }
}
