package dev.lora.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * GPT-2's tanh GELU ({@code gelu_new}): 0.5 x (1 + tanh(k (x + 0.044715 x^3))), k = sqrt(2 / pi).
 * ND4J's own GELU ops are other approximations (they differ by up to 0.03), so this is composed of
 * elementwise ops, arranged to make as few passes and temporaries as possible.
 */
public final class Gelu {
    private static final double K = Math.sqrt(2.0 / Math.PI);
    private static final double C = 0.044715;
    private INDArray x;
    private INDArray t;

    public INDArray forward(INDArray in, boolean keep) {
        // tanh(k x (1 + c x^2)), built in one temporary.
        INDArray th = Transforms.tanh(in.mul(in).muli(C * K).addi(K).muli(in), false);
        INDArray y = th.add(1).muli(in).muli(0.5);
        if (keep) {
            x = in;
            t = th;
        }
        return y;
    }

    /** d/dx = 0.5 (1 + t) + 0.5 x (1 - t^2) k (1 + 3 * 0.044715 x^2), reusing the saved tanh in place. */
    public INDArray backward(INDArray dy) {
        INDArray inner = x.mul(x).muli(3 * C * K).addi(K).muli(x);          // k x (1 + 3c x^2)
        INDArray grad = t.mul(t).rsubi(1).muli(inner).addi(t).addi(1).muli(0.5); // 0.5 (1 + t + (1 - t^2) inner)
        x = null;
        t = null;
        return grad.muli(dy);
    }
}
