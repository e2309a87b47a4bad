package dev.lora.train;

import dev.lora.model.kernels.Kernels;
import dev.lora.model.Param;

import java.util.List;

/** Whole-model gradient operations. */
final class Gradients {
    private Gradients() {
    }

    /** The global L2 norm over all gradients. */
    static double norm(Kernels kernels, List<Param> params) {
        return kernels.globalNorm(params.stream().map(Param::grad).toList());
    }

    /** torch.nn.utils.clip_grad_norm_: scale by min(1, max / (norm + 1e-6)); off when max is 0. */
    static void clip(List<Param> params, double norm, double max) {
        if (max <= 0) return;
        double coef = max / (norm + 1e-6);
        if (coef < 1) params.forEach(p -> p.grad().muli(coef));
    }

    /** Whether every parameter value is finite (an update that overflowed leaves NaN or infinity behind). */
    static boolean valuesFinite(Kernels kernels, List<Param> params) {
        return kernels.allFinite(params.stream().map(Param::value).toList());
    }

    static void zero(List<Param> params) {
        params.forEach(Param::zeroGrad);
    }
}
