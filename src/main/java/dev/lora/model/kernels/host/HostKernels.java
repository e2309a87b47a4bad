package dev.lora.model.kernels.host;

import dev.lora.model.kernels.Dense;
import dev.lora.model.kernels.Kernels;
import dev.lora.model.kernels.Bf16Operands;
import dev.lora.model.kernels.ProductShapes;
import dev.lora.model.kernels.nd4j.Nd4jKernels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The kernels of ND4J's CPU backend: fused Java loops over the arrays' own memory ({@link GeluLoops},
 * {@link LayerNormLoops}, {@link CausalSoftmax}, {@link SmoothedCrossEntropy}) and OpenBLAS called directly
 * ({@link Blas}): one pass per operation where ND4J would make several; bfloat16 products through oneDNN
 * ({@link Bf16Matmul}) where the CPU has them, and float32 products too where {@link Float32Products} says. Where a
 * Java loop would not pay (float64 LayerNorm and loss rows, the decoding softmax), the ND4J-op forms of
 * {@link Nd4jKernels}.
 */
public final class HostKernels implements Kernels {
    /**
     * Which library multiplies float32 matrices (float64 always goes to OpenBLAS, attention's per-head products too).
     * OPENBLAS gives float32's results bit for bit as they have always been; ONEDNN, oneDNN's matmul, is faster on
     * AVX-512 (1.1-1.8x on training's shapes, 2-9x on decoding's, a Zen 5) and rounds otherwise in the last bits.
     */
    public enum Float32Products { OPENBLAS, ONEDNN }

    private final Nd4jKernels ops = new Nd4jKernels();
    private final Float32Products float32;
    private Optional<OneDnnMatmul> dnnl;
    private String dnnlWhyNot = "";
    private Bf16Matmul bf16;

    /** float32 products by OpenBLAS. */
    public HostKernels() {
        this(Float32Products.OPENBLAS);
    }

    public HostKernels(Float32Products float32) {
        this.float32 = float32;
    }

    @Override
    public String name() {
        return "host";
    }

    /**
     * float64 by OpenBLAS; float32 by OpenBLAS or oneDNN ({@link Float32Products}); bfloat16 products by oneDNN's
     * matmul where this CPU has one, else emulated ({@link Bf16Operands}). A product oneDNN has no primitive for goes
     * to OpenBLAS.
     */
    @Override
    public void gemm(double alpha, INDArray a, boolean transA, INDArray b, boolean transB, double beta, INDArray c) {
        ProductShapes.check(a, transA, b, transB, c);
        if (!Bf16Operands.involved(a, b, c)) {
            // types() leaves float32 only here: a bfloat16 operand would have made this a bfloat16 product.
            boolean byDnnl = float32 == Float32Products.ONEDNN && OneDnnMatmul.types(a, b, c)
                    && dnnl().map(m -> m.gemm(alpha, a, transA, b, transB, beta, c)).orElse(false);
            if (!byDnnl) Blas.gemm(alpha, a, transA, b, transB, beta, c);
        } else if (!bf16().matmul().map(m -> Bf16Matmul.gemm(m, alpha, a, transA, b, transB, beta, c)).orElse(false)) {
            Bf16Operands.gemm(alpha, a, transA, b, transB, beta, c, Blas::gemm);
        }
    }

    @Override
    public String bf16Products() {
        return bf16().how();
    }

    @Override
    public String float32Products() {
        if (float32 == Float32Products.OPENBLAS) return "OpenBLAS";
        return dnnl().isPresent() ? "oneDNN matmul (oneDNN " + OneDnn.version() + ", ISA " + OneDnn.isa() + ")"
                : "OpenBLAS: " + dnnlWhyNot;
    }

    /** oneDNN's engine and primitive cache, opened at the first product that wants them: other runs never load it. */
    private synchronized Optional<OneDnnMatmul> dnnl() {
        if (dnnl == null) {
            OneDnn.Result opened = OneDnn.open();
            dnnl = opened.engine().map(OneDnnMatmul::new);
            dnnlWhyNot = opened.whyNot();
        }
        return dnnl;
    }

    private synchronized Bf16Matmul bf16() {
        if (bf16 == null) bf16 = Bf16Matmul.probe(dnnl(), dnnlWhyNot);
        return bf16;
    }

    @Override
    public void batchedInto(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c) {
        ProductShapes.checkBatched(a, transA, b, transB, c);
        Blas.batchedInto(a, transA, b, transB, c);
    }

    @Override
    public void gelu(INDArray x, INDArray y, INDArray t) {
        GeluLoops.forward(x, y, t);
    }

    @Override
    public INDArray geluBackward(INDArray x, INDArray t, INDArray dy) {
        return GeluLoops.backward(x, t, dy);
    }

    @Override
    public LayerNormOut layerNorm(INDArray x, INDArray gain, INDArray bias, double eps) {
        return Dense.isDouble(x) ? ops.layerNorm(x, gain, bias, eps) : LayerNormLoops.forward(x, gain, bias, eps);
    }

    @Override
    public INDArray layerNormBackward(INDArray dy, INDArray xhat, INDArray rstd, INDArray gain) {
        return Dense.isDouble(dy) ? ops.layerNormBackward(dy, xhat, rstd, gain) : LayerNormLoops.backward(dy, xhat, rstd, gain);
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
    public void softmaxRows(INDArray rows) {
        ops.softmaxRows(rows);
    }

    /** float32 fused in Java ({@link SmoothedCrossEntropy}), float64 as ND4J ops. */
    @Override
    public LossOut lossRows(INDArray logits, int[] targets, int from, double smoothing, boolean gradient) {
        if (Dense.isDouble(logits)) return ops.lossRows(logits, targets, from, smoothing, gradient);
        double[] rowLoss = new double[(int) logits.size(0)];
        SmoothedCrossEntropy.rows(logits, targets, from, smoothing, gradient, rowLoss);
        double sum = 0;
        for (double l : rowLoss) sum += l;
        return new LossOut(sum, gradient ? logits : null);
    }

    @Override
    public void addRowVector(INDArray y, INDArray v) {
        HostLoops.addRowVector(y, v);
    }

    @Override
    public void addRows(INDArray dst, int[] rows, INDArray src) {
        HostLoops.addRows(dst, rows, src);
    }

    /** A draw below floor(p 2^32) of a row's 32-bit stream drops: probability floor(p 2^32) / 2^32. */
    @Override
    public INDArray dropoutMask(long[] rowSeeds, int features, double p, DataType type) {
        INDArray mask = Nd4j.createUninitialized(type, new long[]{rowSeeds.length, features}, 'c');
        long threshold = (long) Math.floor(p * 4294967296.0);
        double keep = 1.0 / (1.0 - p);
        boolean isDouble = type == DataType.DOUBLE;
        DoubleBuffer md = isDouble ? HostLoops.doubles(mask) : null;
        FloatBuffer mf = isDouble ? null : HostLoops.floats(mask);
        HostLoops.forRows(rowSeeds.length, features, (first, last) -> {
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
        HostLoops.written(mask);
        return mask;
    }

    /** Only the filled slots, one block per (row, head), straight between the off-heap buffers (both at offset 0). */
    @Override
    public void copyCacheRows(INDArray from, int[] rows, int filled, INDArray to) {
        int heads = (int) from.size(1), capacity = (int) from.size(2), d = (int) from.size(3);
        long width = from.dataType().width(), block = (long) capacity * d * width;
        HostLoops.onHost(from);
        HostLoops.onHost(to);
        ByteBuffer src = from.data().asNio(), dst = to.data().asNio();
        int bytes = (int) (filled * d * width);
        for (int i = 0; i < rows.length; i++) {
            for (int h = 0; h < heads; h++) {
                dst.put((int) ((i * heads + h) * block), src, (int) ((rows[i] * (long) heads + h) * block), bytes);
            }
        }
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

    @Override
    public double[][] readRows(INDArray matrix, double[][] out) {
        return HostLoops.toDoubleRows(matrix, out);
    }
}
