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
        INDArray h = cFc.forward(x, pass);
        // Unless an adapter on c_proj keeps it, GELU's output is done with once c_proj has read it: 49 MB of a
        // training step's workspace at GPT-2 small on a batch of 332 real tokens (a layer's [tokens, 4C] floats, 12 times).
        if (pass.keep() && !cProj.keepsInput()) return gelu.keepThen(h, y -> cProj.forward(y, pass));
        return cProj.forward(gelu.forward(h, pass.keep()), pass);
    }

    public INDArray backward(INDArray dy) {
        return cFc.backward(gelu.backward(cProj.backward(dy)));
    }
}
