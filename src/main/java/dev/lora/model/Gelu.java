package dev.lora.model;

import dev.lora.model.kernels.Dense;
import dev.lora.model.kernels.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * GPT-2's tanh GELU ({@code gelu_new}): 0.5 x (1 + tanh(u)), u = k (x + 0.044715 x^3), k = sqrt(2 / pi).
 * ND4J's own GELU ops are other approximations (they differ by up to 0.03), so the kernels compute this one;
 * tanh(u) is kept for the backward.
 */
public final class Gelu {
    private final Kernels kernels;
    private INDArray x;
    private INDArray t;

    public Gelu(Kernels kernels) {
        this.kernels = kernels;
    }

    public INDArray forward(INDArray in, boolean keep) {
        Dense.requireFloating(in);
        INDArray xs = Dense.of(in);
        Kernels.GeluOut out = kernels.gelu(xs);
        if (keep) {
            x = xs;
            t = out.t();
        }
        return out.y();
    }

    /** dy/dx = 0.5 (1 + t) + 0.5 x (1 - t^2) k (1 + 3 * 0.044715 x^2); may write over dy's memory. */
    public INDArray backward(INDArray dy) {
        INDArray d = kernels.geluBackward(x, t, Dense.of(dy));
        x = null;
        t = null;
        return d;
    }
}
