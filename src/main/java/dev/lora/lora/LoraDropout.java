package dev.lora.lora;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * Inverted dropout on the LoRA branch's input (loralib's {@code lora_dropout}). The trainer
 * reseeds it before every micro-batch from (run seed, step, micro-batch), so masks depend on no
 * hidden state and a resumed run draws exactly the masks the uninterrupted run would have.
 */
public final class LoraDropout {
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

    /** A mask of 0 and 1/(1-p) for x, or null when dropout is off. */
    INDArray mask(INDArray x) {
        if (rng == null || p == 0) return null;
        // Drawn in Java, not by the backend's generator, so masks are the same on every backend; built in the
        // compute type directly (no double[] and cast pass for float32).
        double keep = 1.0 / (1.0 - p);
        int n = (int) x.length();
        if (x.dataType() == DataType.DOUBLE) {
            double[] m = new double[n];
            for (int i = 0; i < n; i++) m[i] = rng.nextDouble() < p ? 0 : keep;
            return Nd4j.createFromArray(m).reshape(x.shape());
        }
        float[] m = new float[n];
        float keepF = (float) keep;
        for (int i = 0; i < n; i++) m[i] = rng.nextDouble() < p ? 0f : keepF;
        return Nd4j.createFromArray(m).castTo(x.dataType()).reshape(x.shape());
    }

    static INDArray apply(INDArray x, INDArray mask) {
        return mask == null ? x : x.mul(mask);
    }
}
