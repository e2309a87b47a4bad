package dev.lora.model;

import dev.lora.model.kernels.Dense;
import dev.lora.model.kernels.Kernels;
import dev.lora.model.kernels.Workspaces;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.function.UnaryOperator;

/**
 * GPT-2's tanh GELU ({@code gelu_new}): 0.5 x (1 + tanh(u)), u = k (x + 0.044715 x^3), k = sqrt(2 / pi).
 * ND4J's own GELU ops are other approximations (they differ by up to 0.03), so the kernels compute this one;
 * tanh(u) is kept for the backward.
 */
public final class Gelu {
    private static final String SCRATCH = "lora-gelu-out";
    private final Kernels kernels;
    private INDArray x;
    private INDArray t;

    public Gelu(Kernels kernels) {
        this.kernels = kernels;
    }

    public INDArray forward(INDArray in, boolean keep) {
        Dense.requireFloating(in);
        INDArray xs = Dense.of(in), y = Dense.like(xs), th = Dense.like(xs);
        kernels.gelu(xs, y, th);
        if (keep) {
            x = xs;
            t = th;
        }
        return y;
    }

    /**
     * {@code next} of the GELU of {@code in}, keeping what backward needs, where the GELU itself lives only while
     * {@code next} runs: in a scratch block that every layer reuses, not in the pass's workspace (in a training step
     * a [tokens, 4C] array a layer, kept until the step ends). For an output that feeds only a projection that keeps
     * nothing of its input; next's result is made where forward's would be.
     */
    public INDArray keepThen(INDArray in, UnaryOperator<INDArray> next) {
        Dense.requireFloating(in);
        INDArray xs = Dense.of(in), th = Dense.like(xs);
        MemoryWorkspace outer = Workspaces.current();
        try (MemoryWorkspace scratch = Workspaces.open(SCRATCH)) {
            INDArray y = Dense.like(xs);
            kernels.gelu(xs, y, th);
            x = xs;
            t = th;
            try (MemoryWorkspace back = Workspaces.borrow(outer)) {
                return next.apply(y);
            }
        }
    }

    /** dy/dx = 0.5 (1 + t) + 0.5 x (1 - t^2) k (1 + 3 * 0.044715 x^2); may write over dy's memory. */
    public INDArray backward(INDArray dy) {
        INDArray d = kernels.geluBackward(x, t, Dense.of(dy));
        x = null;
        t = null;
        return d;
    }
}
