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
    private static final int CHUNK = 4096;
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
     * Applies dropout to x in one sequential pass that draws the mask and writes both arrays. The mask is drawn
     * in Java, not by the backend's generator, so masks are the same on every backend, element by element in
     * row-major order.
     */
    Dropped apply(INDArray x) {
        if (rng == null || p == 0) return new Dropped(x, null);
        INDArray xs = Loops.dense(x), in = Loops.like(xs), mask = Loops.like(xs);
        double keep = 1.0 / (1.0 - p);
        int n = (int) xs.length();
        if (Loops.isDouble(xs)) {
            DoubleBuffer xb = Loops.doubles(xs), ib = Loops.doubles(in), mb = Loops.doubles(mask);
            for (int i = 0; i < n; i++) {
                double m = rng.nextDouble() < p ? 0 : keep;
                mb.put(i, m);
                ib.put(i, xb.get(i) * m);
            }
        } else {
            FloatBuffer xb = Loops.floats(xs), ib = Loops.floats(in), mb = Loops.floats(mask);
            float keepF = (float) keep;
            float[] v = new float[CHUNK], m = new float[CHUNK];
            for (int start = 0; start < n; start += CHUNK) {
                int len = Math.min(CHUNK, n - start);
                xb.get(start, v, 0, len);
                for (int j = 0; j < len; j++) {
                    m[j] = rng.nextDouble() < p ? 0f : keepF;
                    v[j] *= m[j];
                }
                mb.put(start, m, 0, len);
                ib.put(start, v, 0, len);
            }
        }
        Loops.written(in, mask);
        return new Dropped(in, mask);
    }
}
