package dev.lora.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** GPT-2's tanh GELU ({@code gelu_new}): 0.5 x (1 + tanh(k (x + 0.044715 x^3))), k = sqrt(2 / pi). */
public final class Gelu {
    private static final double K = Math.sqrt(2.0 / Math.PI);
    private static final double C = 0.044715;
    private INDArray x;
    private INDArray t;

    public INDArray forward(INDArray in, boolean keep) {
        INDArray cube = Transforms.pow(in, 3, true);
        INDArray th = Transforms.tanh(cube.muli(C).addi(in).muli(K), false);
        if (keep) {
            x = in;
            t = th.dup();
        }
        return th.addi(1).muli(in).muli(0.5);
    }

    /** d/dx = 0.5 (1 + t) + 0.5 x (1 - t^2) k (1 + 3 * 0.044715 x^2). */
    public INDArray backward(INDArray dy) {
        INDArray sech2 = t.mul(t).rsubi(1);
        INDArray inner = x.mul(x).muli(3 * C).addi(1).muli(K);
        INDArray grad = sech2.muli(inner).muli(x).muli(0.5).addi(t.addi(1).muli(0.5));
        x = null;
        t = null;
        return grad.muli(dy);
    }
}
