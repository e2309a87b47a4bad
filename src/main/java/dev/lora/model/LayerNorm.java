package dev.lora.model;

import dev.lora.model.kernels.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;

/** LayerNorm over the last dimension of [N, C] rows: y = (x - mean) / sqrt(var + eps) * g + b. */
public final class LayerNorm {
    private final Param gain;
    private final Param bias;
    private final double eps;
    private final Kernels kernels;
    private INDArray xhat;
    private INDArray rstd;

    public LayerNorm(Param gain, Param bias, double eps, Kernels kernels) {
        this.gain = gain;
        this.bias = bias;
        this.eps = eps;
        this.kernels = kernels;
    }

    public Param gain() {
        return gain;
    }

    public Param bias() {
        return bias;
    }

    public INDArray forward(INDArray x, boolean keep) {
        Kernels.LayerNormOut out = kernels.layerNorm(x, gain.value(), bias.value(), eps);
        if (keep) {
            xhat = out.xhat();
            rstd = out.rstd();
        }
        return out.y();
    }

    /** dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), with dxhat = dy * g. */
    public INDArray backward(INDArray dy) {
        // Only biases can be trained (loralib's bias modes); skip the reductions for frozen ones.
        if (gain.trainable()) gain.accumulate(dy.mul(xhat).sum(0));
        if (bias.trainable()) bias.accumulate(dy.sum(0));
        INDArray dx = kernels.layerNormBackward(dy, xhat, rstd, gain.value());
        xhat = null;
        rstd = null;
        return dx;
    }
}
