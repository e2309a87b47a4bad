package dev.lora.model.kernels.host;

import dev.lora.model.kernels.Dense;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * GPT-2's tanh GELU as one fused loop each way (composed of ND4J ops it took 8 native passes forward and 11
 * backward). float64 uses {@link Math#tanh}. float32 uses a rational approximation of tanh made only of multiply,
 * add, divide and clamp, so the JIT compiles the loop to SIMD instructions: within 6.7e-9 of tanh in exact
 * arithmetic, 3.3e-7 once rounded to float (PyTorch's float tanh: 6e-8).
 */
final class GeluLoops {
    private static final double K = Math.sqrt(2.0 / Math.PI);
    private static final double C = 0.044715;
    private static final float KF = (float) K;
    private static final float CF = (float) C;
    private static final int SCRATCH = 4096;

    private GeluLoops() {
    }

    /** y = 0.5 x (1 + tanh(u)), u = k (x + 0.044715 x^3), and th = tanh(u); all dense row-major. */
    static void forward(INDArray xs, INDArray y, INDArray th) {
        if (Dense.isDouble(xs)) {
            DoubleBuffer xb = HostLoops.doubles(xs), yb = HostLoops.doubles(y), tb = HostLoops.doubles(th);
            HostLoops.forRange(xs.length(), (from, to) -> {
                for (int i = from; i < to; i++) {
                    double v = xb.get(i), tv = Math.tanh(K * v * (1 + C * v * v));
                    tb.put(i, tv);
                    yb.put(i, 0.5 * v * (1 + tv));
                }
            });
        } else {
            FloatBuffer xb = HostLoops.floats(xs), yb = HostLoops.floats(y), tb = HostLoops.floats(th);
            HostLoops.forRange(xs.length(), (from, to) -> {
                float[] v = new float[SCRATCH], out = new float[SCRATCH], tv = new float[SCRATCH];
                for (int start = from; start < to; start += SCRATCH) {
                    int n = Math.min(SCRATCH, to - start);
                    xb.get(start, v, 0, n);
                    forwardFloats(v, out, tv, n);
                    yb.put(start, out, 0, n);
                    tb.put(start, tv, 0, n);
                }
            });
        }
        HostLoops.written(y, th);
    }

    /** dy/dx = 0.5 (1 + t) + 0.5 x (1 - t^2) k (1 + 3 * 0.044715 x^2), written over d (dense row-major). */
    static INDArray backward(INDArray x, INDArray t, INDArray d) {
        if (Dense.isDouble(d)) {
            DoubleBuffer xb = HostLoops.doubles(x), tb = HostLoops.doubles(t), db = HostLoops.doubles(d);
            HostLoops.forRange(d.length(), (from, to) -> {
                for (int i = from; i < to; i++) {
                    double v = xb.get(i), tv = tb.get(i);
                    db.put(i, db.get(i) * (0.5 * (1 + tv) + 0.5 * v * (1 - tv * tv) * K * (1 + 3 * C * v * v)));
                }
            });
        } else {
            FloatBuffer xb = HostLoops.floats(x), tb = HostLoops.floats(t), db = HostLoops.floats(d);
            HostLoops.forRange(d.length(), (from, to) -> {
                float[] v = new float[SCRATCH], tv = new float[SCRATCH], g = new float[SCRATCH];
                for (int start = from; start < to; start += SCRATCH) {
                    int n = Math.min(SCRATCH, to - start);
                    xb.get(start, v, 0, n);
                    tb.get(start, tv, 0, n);
                    db.get(start, g, 0, n);
                    backwardFloats(v, tv, g, n);
                    db.put(start, g, 0, n);
                }
            });
        }
        HostLoops.written(d);
        return d;
    }

    private static void forwardFloats(float[] x, float[] y, float[] t, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[i];
            float tv = tanh(KF * v * (1 + CF * v * v));
            t[i] = tv;
            y[i] = 0.5f * v * (1 + tv);
        }
    }

    private static void backwardFloats(float[] x, float[] t, float[] g, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[i], tv = t[i];
            g[i] *= 0.5f * (1 + tv) + 0.5f * v * (1 - tv * tv) * KF * (1 + 3 * CF * v * v);
        }
    }

    /**
     * tanh(u) = u P(u^2) / Q(u^2) on |u| <= 9 (beyond it tanh is 1 in float): P of degree 6 and Q of degree 3,
     * fitted for least maximum relative error on [0, 9] by scripts/reference/tanh_rational.py.
     */
    static float tanh(float u) {
        float c = Math.max(-9f, Math.min(9f, u));
        float s = c * c;
        float p = ((((((-8.490078215114827e-14f * s + 5.2784731446875455e-11f) * s - 2.0226298858005975e-08f) * s
                + 1.1154569619975518e-05f) * s + 0.003103981027379632f) * s + 0.13084031641483307f) * s + 1f);
        float q = ((0.0002546181494835764f * s + 0.024495277553796768f) * s + 0.4641735851764679f) * s + 1f;
        return Math.max(-1f, Math.min(1f, c * p / q));
    }
}
