package dev.lora.model;

import dev.lora.model.kernels.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The feed-forward half of a block: c_fc, GELU, c_proj. */
public final class Mlp {
    private final Linear cFc;
    private final Linear cProj;
    private final Gelu gelu;

    public Mlp(Linear cFc, Linear cProj, Kernels kernels) {
        this.cFc = cFc;
        this.cProj = cProj;
        this.gelu = new Gelu(kernels);
    }

    public INDArray forward(INDArray x, Pass pass) {
        return cProj.forward(gelu.forward(cFc.forward(x, pass), pass.keep()), pass);
    }

    public INDArray backward(INDArray dy) {
        return cFc.backward(gelu.backward(cProj.backward(dy)));
    }
}
