package dev.lora.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** LayerNorm over the last dimension of [N, C] rows: y = (x - mean) / sqrt(var + eps) * g + b. */
public final class LayerNorm {
    private final Param gain;
    private final Param bias;
    private final double eps;
    private INDArray xhat;
    private INDArray rstd;

    public LayerNorm(Param gain, Param bias, double eps) {
        this.gain = gain;
        this.bias = bias;
        this.eps = eps;
    }

    public Param gain() {
        return gain;
    }

    public Param bias() {
        return bias;
    }

    public INDArray forward(INDArray x, boolean keep) {
        INDArray centred = x.subColumnVector(x.mean(true, 1));
        INDArray variance = centred.mul(centred).mean(true, 1);
        INDArray r = Transforms.pow(variance.addi(eps), -0.5, false);
        INDArray normed = centred.muliColumnVector(r);
        if (keep) {
            xhat = normed.dup();
            rstd = r;
        }
        return normed.muliRowVector(gain.value()).addiRowVector(bias.value());
    }

    /** dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), with dxhat = dy * g. */
    public INDArray backward(INDArray dy) {
        // Only biases can be trained (loralib's bias modes); skip the reductions for frozen ones.
        if (gain.trainable()) gain.accumulate(dy.mul(xhat).sum(0));
        if (bias.trainable()) bias.accumulate(dy.sum(0));
        INDArray dxhat = dy.mulRowVector(gain.value());
        INDArray meanD = dxhat.mean(true, 1);
        INDArray meanDX = dxhat.mul(xhat).mean(true, 1);
        INDArray dx = dxhat.subiColumnVector(meanD).subi(xhat.muliColumnVector(meanDX)).muliColumnVector(rstd);
        xhat = null;
        rstd = null;
        return dx;
    }
}
