package dev.lora.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.FloatBuffer;

/**
 * LayerNorm over the last dimension of [N, C] rows: y = (x - mean) / sqrt(var + eps) * g + b.
 * float32 runs as one Java loop per row (statistics summed in float64, then normalisation and affine, over
 * a row held in cache) instead of ~8 native passes over the whole tensor; float64 keeps the op-by-op form, which is the
 * reference the float32 loop is tested against and what the finite-difference checks run.
 */
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
        Kernels.LayerNormOut out = Kernels.active().layerNorm(x, gain.value(), bias.value(), eps);
        if (keep) {
            xhat = out.xhat();
            rstd = out.rstd();
        }
        return out.y();
    }

    /** The host kernels' LayerNorm: float32 as one Java loop per row; float64 as ND4J ops ({@link #forwardOps}). */
    static Kernels.LayerNormOut hostForward(INDArray x, INDArray gainValue, INDArray biasValue, double eps) {
        if (Loops.isDouble(x)) return forwardOps(x, gainValue, biasValue, eps);
        INDArray xs = Loops.dense(x);
        int rows = (int) xs.size(0), width = (int) xs.size(1);
        INDArray y = Loops.like(xs), normed = Loops.like(xs);
        INDArray r = Nd4j.createUninitialized(xs.dataType(), rows, 1);
        float[] g = Loops.dense(gainValue).data().asFloat(), b = Loops.dense(biasValue).data().asFloat();
        FloatBuffer xb = Loops.floats(xs), yb = Loops.floats(y), nb = Loops.floats(normed), rb = Loops.floats(r);
        Loops.forRows(rows, width, (from, to) -> {
            float[] row = new float[width], out = new float[width];
            for (int i = from; i < to; i++) {
                xb.get(i * width, row, 0, width);
                double total = 0;
                for (int j = 0; j < width; j++) total += row[j];
                float mean = (float) (total / width);
                double var = 0;
                for (int j = 0; j < width; j++) {
                    row[j] -= mean;
                    var += row[j] * row[j];
                }
                float inv = (float) (1 / Math.sqrt(var / width + eps));
                for (int j = 0; j < width; j++) {
                    row[j] *= inv;
                    out[j] = row[j] * g[j] + b[j];
                }
                nb.put(i * width, row, 0, width);
                yb.put(i * width, out, 0, width);
                rb.put(i, inv);
            }
        });
        Loops.written(y, normed, r);
        return new Kernels.LayerNormOut(y, normed, r);
    }

    /** dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), with dxhat = dy * g. */
    public INDArray backward(INDArray dy) {
        // Only biases can be trained (loralib's bias modes); skip the reductions for frozen ones.
        if (gain.trainable()) gain.accumulate(dy.mul(xhat).sum(0));
        if (bias.trainable()) bias.accumulate(dy.sum(0));
        INDArray dx = Kernels.active().layerNormBackward(dy, xhat, rstd, gain.value());
        xhat = null;
        rstd = null;
        return dx;
    }

    /** The host kernels' LayerNorm backward: float32 as one Java loop per row; float64 as ND4J ops. */
    static INDArray hostBackward(INDArray dyIn, INDArray xhat, INDArray rstd, INDArray gainValue) {
        if (Loops.isDouble(dyIn)) return backwardOps(dyIn, xhat, rstd, gainValue);
        INDArray dy = Loops.dense(dyIn);
        int rows = (int) dy.size(0), width = (int) dy.size(1);
        INDArray dx = Loops.like(dy);
        float[] g = Loops.dense(gainValue).data().asFloat();
        FloatBuffer db = Loops.floats(dy), hb = Loops.floats(xhat), rb = Loops.floats(rstd), ob = Loops.floats(dx);
        Loops.forRows(rows, width, (from, to) -> {
            float[] d = new float[width], h = new float[width];
            for (int i = from; i < to; i++) {
                db.get(i * width, d, 0, width);
                hb.get(i * width, h, 0, width);
                double sumD = 0, sumDH = 0;
                for (int j = 0; j < width; j++) {
                    d[j] *= g[j];
                    sumD += d[j];
                    sumDH += d[j] * h[j];
                }
                float meanD = (float) (sumD / width), meanDH = (float) (sumDH / width), inv = rb.get(i);
                for (int j = 0; j < width; j++) d[j] = inv * (d[j] - meanD - h[j] * meanDH);
                ob.put(i * width, d, 0, width);
            }
        });
        Loops.written(dx);
        return dx;
    }

    /** LayerNorm as ND4J ops: the nd4j kernels' form for both types, and the host kernels' for float64. */
    static Kernels.LayerNormOut forwardOps(INDArray x, INDArray gainValue, INDArray biasValue, double eps) {
        INDArray centred = x.subColumnVector(x.mean(true, 1));
        INDArray variance = centred.mul(centred).mean(true, 1);
        INDArray r = Transforms.pow(variance.addi(eps), -0.5, false);
        INDArray normed = centred.muliColumnVector(r);
        INDArray xhat = normed.dup();
        return new Kernels.LayerNormOut(normed.muliRowVector(gainValue).addiRowVector(biasValue), xhat, r);
    }

    static INDArray backwardOps(INDArray dy, INDArray xhat, INDArray rstd, INDArray gainValue) {
        INDArray dxhat = dy.mulRowVector(gainValue);
        INDArray meanD = dxhat.mean(true, 1);
        INDArray meanDX = dxhat.mul(xhat).mean(true, 1);
        return dxhat.subiColumnVector(meanD).subi(xhat.mulColumnVector(meanDX)).muliColumnVector(rstd);
    }
}
