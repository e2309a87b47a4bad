package dev.lora.adapter;

import dev.lora.model.kernels.Kernels;
import dev.lora.model.Sequences;
import org.nd4j.linalg.api.ndarray.INDArray;


/**
 * Inverted dropout on the LoRA branch's input (loralib's {@code lora_dropout}). A mask entry is a function of
 * (run seed, step, which LoRA input of the forward pass, example, position, feature) and nothing else: not of
 * the micro-batch an example is in, its row in the batch, the batch's padding or the number of threads. So a
 * resumed run draws exactly the masks the uninterrupted run would have, and padded, padding-free or
 * distributed layouts of the same step train identically.
 */
public final class LoraDropout {
    private final double p;
    private final Kernels kernels;
    private long stepSeed;
    private int[] keys;
    private Sequences seqs;
    private int[] sequenceOfRow;
    private long calls;

    public LoraDropout(double p, Kernels kernels) {
        this.p = p;
        this.kernels = kernels;
    }

    /**
     * Starts training-mode masks for a micro-batch of step {@code stepSeed}: the rows of sequence s of every LoRA
     * input are example {@code keys[s]} (its index in the training data) at positions 0, 1, ... Every micro-batch
     * of a step starts from the same seed: its examples, not their place, tell the masks apart.
     */
    public void start(long stepSeed, int[] keys, Sequences seqs) {
        if (p == 0) return;
        if (keys.length != seqs.count()) throw new IllegalArgumentException(keys.length + " keys for " + seqs.count() + " sequences");
        this.stepSeed = stepSeed;
        this.keys = keys.clone();
        this.seqs = seqs;
        this.sequenceOfRow = seqs.sequenceOfRow();
        this.calls = 0;
    }

    /** Evaluation mode: the branch sees x as is. */
    public void eval() {
        keys = null;
    }

    /** x after dropout, and the mask of 0 and 1/(1-p) it was multiplied by (null when dropout is off). */
    record Dropped(INDArray input, INDArray mask) {
    }

    /**
     * Applies dropout to x [rows, features]. The forward pass calls this once per LoRA input in a fixed order, so
     * the call's index names the layer; each row's mask comes from its own generator, seeded from (step, call,
     * example, position) ({@link Kernels#dropoutMask}: the host kernels draw it in Java, the nd4j kernels with the
     * backend's generator).
     */
    Dropped apply(INDArray x) {
        if (keys == null || p == 0) return new Dropped(x, null);
        long rows = x.size(0), features = x.size(1);
        if (rows != seqs.rows()) throw new IllegalArgumentException(rows + " rows for sequences of " + seqs.rows() + " rows");
        long callSeed = Seeds.mix(stepSeed, calls++);
        long[] rowSeeds = new long[(int) rows];
        for (int r = 0; r < rows; r++) {
            int s = sequenceOfRow[r];
            rowSeeds[r] = Seeds.mix(callSeed, keys[s], r - seqs.offset(s));
        }
        INDArray mask = kernels.dropoutMask(rowSeeds, (int) features, p, x.dataType());
        return new Dropped(x.mul(mask), mask);
    }
}
