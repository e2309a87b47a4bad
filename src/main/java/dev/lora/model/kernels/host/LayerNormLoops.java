package dev.lora.model.kernels.host;

import dev.lora.model.kernels.Dense;
import dev.lora.model.kernels.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * float32 LayerNorm as one Java loop per row (statistics summed in float64, then normalisation and affine, over a
 * row held in cache) instead of ~8 native passes over the whole tensor. float64 keeps the op-by-op form (the nd4j
 * kernels'), which is the reference this loop is tested against and what the finite-difference checks run.
 */
final class LayerNormLoops {
    private LayerNormLoops() {
    }

    static Kernels.LayerNormOut forward(INDArray x, INDArray gainValue, INDArray biasValue, double eps) {
        INDArray xs = Dense.of(x);
        int rows = (int) xs.size(0), width = (int) xs.size(1);
        INDArray y = Dense.like(xs), normed = Dense.like(xs);
        INDArray r = Nd4j.createUninitialized(xs.dataType(), rows, 1);
        float[] g = Dense.of(gainValue).data().asFloat(), b = Dense.of(biasValue).data().asFloat();
        FloatBuffer xb = HostLoops.floats(xs), yb = HostLoops.floats(y), nb = HostLoops.floats(normed), rb = HostLoops.floats(r);
        HostLoops.forRows(rows, width, (from, to) -> {
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
        HostLoops.written(y, normed, r);
        return new Kernels.LayerNormOut(y, normed, r);
    }

    /** dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), with dxhat = dy * g. */
    static INDArray backward(INDArray dyIn, INDArray xhat, INDArray rstd, INDArray gainValue) {
        INDArray dy = Dense.of(dyIn);
        int rows = (int) dy.size(0), width = (int) dy.size(1);
        INDArray dx = Dense.like(dy);
        float[] g = Dense.of(gainValue).data().asFloat();
        FloatBuffer db = HostLoops.floats(dy), hb = HostLoops.floats(xhat), rb = HostLoops.floats(rstd), ob = HostLoops.floats(dx);
        HostLoops.forRows(rows, width, (from, to) -> {
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
        HostLoops.written(dx);
        return dx;
    }
}
