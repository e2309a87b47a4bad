package dev.lora.adapter;

import dev.lora.model.Conv1D;
import dev.lora.model.Linear;
import dev.lora.model.Param;
import dev.lora.model.Pass;
import dev.lora.model.kernels.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A frozen projection plus a LoRA branch: y = base(x) + scaling * up(dropout(x) A^T). The down half (A) is
 * {@link LoraDown}, the same for every layer; the up half (B) is what loralib's Linear and MergedLinear differ in,
 * so each subclass writes only its forward and backward.
 */
abstract class LoraBranch implements Linear {
    private final Conv1D base;
    private final LoraDown down;
    protected final Param b;
    protected final double scaling;
    private INDArray xa;

    LoraBranch(Conv1D base, Param a, Param b, double scaling, LoraDropout dropout) {
        this.base = base;
        this.down = new LoraDown(a, dropout, base.kernels());
        this.b = b;
        this.scaling = scaling;
    }

    /** Adds scaling * xa B^T (in the layer's layout) to y. */
    abstract void up(INDArray xa, INDArray y);

    /** Accumulates dB from dy and the kept xa; returns dL/d(xa). */
    abstract INDArray upBackward(INDArray dy, INDArray xa);

    final Kernels kernels() {
        return base.kernels();
    }

    @Override
    public final INDArray forward(INDArray x, Pass pass) {
        INDArray y = base.forward(x, pass);
        INDArray xaNow = down.forward(x, pass);
        up(xaNow, y);
        xa = pass.keep() ? xaNow : null;
        return y;
    }

    /** The down projection's gradient reads its (dropped-out) input. */
    @Override
    public final boolean keepsInput() {
        return true;
    }

    @Override
    public final INDArray backward(INDArray dy) {
        INDArray dx = base.backward(dy);
        INDArray dDown = upBackward(dy, xa);
        xa = null;
        down.backward(dDown, dx);
        return dx;
    }
}
