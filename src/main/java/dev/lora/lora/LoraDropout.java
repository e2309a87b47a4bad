package dev.lora.lora;

import dev.lora.model.Loops;
import dev.lora.model.Sequences;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/**
 * Inverted dropout on the LoRA branch's input (loralib's {@code lora_dropout}). A mask entry is a function of
 * (run seed, step, which LoRA input of the forward pass, example, position, feature) and nothing else: not of
 * the micro-batch an example is in, its row in the batch, the batch's padding or the number of threads. So a
 * resumed run draws exactly the masks the uninterrupted run would have, and padded, padding-free or
 * distributed layouts of the same step train identically.
 */
public final class LoraDropout {
    private final double p;
    private long stepSeed;
    private int[] keys;
    private Sequences seqs;
    private int[] sequenceOfRow;
    private long calls;

    public LoraDropout(double p) {
        this.p = p;
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
     * Applies dropout to x [rows, features] in one pass that draws the mask and writes both arrays. The mask is
     * drawn in Java, not by the backend's generator, so masks are the same on every backend. The forward pass
     * calls this once per LoRA input in a fixed order, so the call's index names the layer; each row has its
     * own generator, seeded from (step, call, example, position), and rows fill in parallel.
     */
    Dropped apply(INDArray x) {
        if (keys == null || p == 0) return new Dropped(x, null);
        INDArray xs = Loops.dense(x), in = Loops.like(xs), mask = Loops.like(xs);
        long rows = xs.size(0), features = xs.size(1);
        if (rows != seqs.rows()) throw new IllegalArgumentException(rows + " rows for sequences of " + seqs.rows() + " rows");
        long callSeed = Seeds.mix(stepSeed, calls++);
        // A draw below this 32-bit threshold drops: probability floor(p 2^32) / 2^32.
        long threshold = (long) Math.floor(p * 4294967296.0);
        double keep = 1.0 / (1.0 - p);
        boolean isDouble = Loops.isDouble(xs);
        DoubleBuffer xd = isDouble ? Loops.doubles(xs) : null, id = isDouble ? Loops.doubles(in) : null;
        DoubleBuffer md = isDouble ? Loops.doubles(mask) : null;
        FloatBuffer xf = isDouble ? null : Loops.floats(xs), inf = isDouble ? null : Loops.floats(in);
        FloatBuffer mf = isDouble ? null : Loops.floats(mask);
        int n = (int) features;
        Loops.forRows(rows, features, (first, last) -> {
            float[] v = isDouble ? null : new float[n], m = isDouble ? null : new float[n];
            for (int r = first; r < last; r++) {
                int s = sequenceOfRow[r];
                SplittableRandom g = new SplittableRandom(Seeds.mix(callSeed, keys[s], r - seqs.offset(s)));
                int from = r * n;
                if (isDouble) fillDoubles(xd, id, md, from, n, g, threshold, keep);
                else fillFloats(xf, inf, mf, from, n, g, threshold, (float) keep, v, m);
            }
        });
        Loops.written(in, mask);
        return new Dropped(in, mask);
    }

    private static boolean dropped(SplittableRandom r, long threshold) {
        return (r.nextInt() & 0xFFFFFFFFL) < threshold;
    }

    private static void fillFloats(FloatBuffer xb, FloatBuffer ib, FloatBuffer mb, int from, int len, SplittableRandom r,
                                   long threshold, float keep, float[] v, float[] m) {
        xb.get(from, v, 0, len);
        for (int j = 0; j < len; j++) {
            m[j] = dropped(r, threshold) ? 0f : keep;
            v[j] *= m[j];
        }
        mb.put(from, m, 0, len);
        ib.put(from, v, 0, len);
    }

    private static void fillDoubles(DoubleBuffer xb, DoubleBuffer ib, DoubleBuffer mb, int from, int len, SplittableRandom r,
                                    long threshold, double keep) {
        for (int j = from; j < from + len; j++) {
            double m = dropped(r, threshold) ? 0 : keep;
            mb.put(j, m);
            ib.put(j, xb.get(j) * m);
        }
    }
}
