package dev.lora.lora;

import dev.lora.model.Loops;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

import java.util.SplittableRandom;

/**
 * Inverted dropout on the LoRA branch's input (loralib's {@code lora_dropout}). The trainer
 * reseeds it before every micro-batch from (run seed, step, micro-batch), so masks depend on no
 * hidden state and a resumed run draws exactly the masks the uninterrupted run would have.
 */
public final class LoraDropout {
    private static final int BLOCK = 8192;
    private final double p;
    private SplittableRandom rng;

    public LoraDropout(double p) {
        this.p = p;
    }

    /** Starts training-mode masks for one micro-batch; without a seed (evaluation) the branch sees x as is. */
    public void reseed(long seed) {
        if (p > 0) rng = new SplittableRandom(seed);
    }

    public void eval() {
        rng = null;
    }

    /** x after dropout, and the mask of 0 and 1/(1-p) it was multiplied by (null when dropout is off). */
    record Dropped(INDArray input, INDArray mask) {
    }

    /**
     * Applies dropout to x in one pass that draws the mask and writes both arrays. The mask is drawn in Java,
     * not by the backend's generator, so masks are the same on every backend. Each block of {@value #BLOCK}
     * elements (row-major order) has its own generator, seeded from this call's draw and the block's index, so
     * blocks fill in parallel and the mask does not depend on the number of threads.
     */
    Dropped apply(INDArray x) {
        if (rng == null || p == 0) return new Dropped(x, null);
        INDArray xs = Loops.dense(x), in = Loops.like(xs), mask = Loops.like(xs);
        long callSeed = rng.nextLong();
        // A draw below this 32-bit threshold drops: probability floor(p 2^32) / 2^32.
        long threshold = (long) Math.floor(p * 4294967296.0);
        double keep = 1.0 / (1.0 - p);
        long n = xs.length();
        boolean isDouble = Loops.isDouble(xs);
        DoubleBuffer xd = isDouble ? Loops.doubles(xs) : null, id = isDouble ? Loops.doubles(in) : null;
        DoubleBuffer md = isDouble ? Loops.doubles(mask) : null;
        FloatBuffer xf = isDouble ? null : Loops.floats(xs), inf = isDouble ? null : Loops.floats(in);
        FloatBuffer mf = isDouble ? null : Loops.floats(mask);
        Loops.forRows((n + BLOCK - 1) / BLOCK, BLOCK, (firstBlock, lastBlock) -> {
            float[] v = isDouble ? null : new float[BLOCK], m = isDouble ? null : new float[BLOCK];
            for (int block = firstBlock; block < lastBlock; block++) {
                SplittableRandom r = new SplittableRandom(callSeed ^ (block * 0x9E3779B97F4A7C15L));
                int from = block * BLOCK, len = (int) Math.min(BLOCK, n - from);
                if (isDouble) fillDoubles(xd, id, md, from, len, r, threshold, keep);
                else fillFloats(xf, inf, mf, from, len, r, threshold, (float) keep, v, m);
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
