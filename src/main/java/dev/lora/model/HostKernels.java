package dev.lora.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The kernels of ND4J's CPU backend: fused Java loops over the arrays' own memory (each layer's loop sits beside
 * its layer: {@link Gelu}, {@link LayerNorm}, {@link CausalSoftmax}, {@link SmoothedCrossEntropy}) and OpenBLAS
 * called directly. One pass per operation where ND4J would make several.
 */
final class HostKernels implements Kernels {
    @Override
    public String name() {
        return "host";
    }

    @Override
    public GeluOut gelu(INDArray x) {
        return Gelu.hostForward(x);
    }

    @Override
    public INDArray geluBackward(INDArray x, INDArray t, INDArray dy) {
        return Gelu.hostBackward(x, t, dy);
    }

    @Override
    public LayerNormOut layerNorm(INDArray x, INDArray gain, INDArray bias, double eps) {
        return LayerNorm.hostForward(x, gain, bias, eps);
    }

    @Override
    public INDArray layerNormBackward(INDArray dy, INDArray xhat, INDArray rstd, INDArray gain) {
        return LayerNorm.hostBackward(dy, xhat, rstd, gain);
    }

    @Override
    public void causalSoftmax(INDArray scores, double scale) {
        CausalSoftmax.forward(scores, scale);
    }

    @Override
    public void causalSoftmaxBackward(INDArray dp, INDArray p, double scale) {
        CausalSoftmax.backward(dp, p, scale);
    }

    @Override
    public LossOut lossRows(INDArray logits, int[] targets, int from, double smoothing, boolean gradient) {
        return LmLoss.hostRows(logits, targets, from, smoothing, gradient);
    }

    @Override
    public void addRowVector(INDArray y, INDArray v) {
        Loops.addRowVector(y, v);
    }

    @Override
    public boolean onHost() {
        return true;
    }

    /** Each array's norm, summed as squares in float64. */
    @Override
    public double globalNorm(List<INDArray> arrays) {
        double sq = 0;
        for (INDArray a : arrays) {
            double n = a.norm2Number().doubleValue();
            sq += n * n;
        }
        return Math.sqrt(sq);
    }

    @Override
    public boolean allFinite(List<INDArray> arrays) {
        for (INDArray a : arrays) {
            if (a.isNaN().any() || a.isInfinite().any()) return false;
        }
        return true;
    }

    /** A draw below floor(p 2^32) of a row's 32-bit stream drops: probability floor(p 2^32) / 2^32. */
    @Override
    public INDArray dropoutMask(long[] rowSeeds, int features, double p, DataType type) {
        INDArray mask = Nd4j.createUninitialized(type, new long[]{rowSeeds.length, features}, 'c');
        long threshold = (long) Math.floor(p * 4294967296.0);
        double keep = 1.0 / (1.0 - p);
        boolean isDouble = type == DataType.DOUBLE;
        DoubleBuffer md = isDouble ? Loops.doubles(mask) : null;
        FloatBuffer mf = isDouble ? null : Loops.floats(mask);
        Loops.forRows(rowSeeds.length, features, (first, last) -> {
            float[] m = new float[features];
            for (int r = first; r < last; r++) {
                SplittableRandom g = new SplittableRandom(rowSeeds[r]);
                for (int j = 0; j < features; j++) {
                    boolean dropped = (g.nextInt() & 0xFFFFFFFFL) < threshold;
                    if (isDouble) md.put(r * features + j, dropped ? 0 : keep);
                    else m[j] = dropped ? 0f : (float) keep;
                }
                if (!isDouble) mf.put(r * features, m, 0, features);
            }
        });
        Loops.written(mask);
        return mask;
    }
}
