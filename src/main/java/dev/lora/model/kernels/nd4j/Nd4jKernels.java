package dev.lora.model.kernels.nd4j;

import dev.lora.model.kernels.Dense;
import dev.lora.model.kernels.Kernels;
import dev.lora.model.kernels.Bf16Operands;
import dev.lora.model.kernels.ProductShapes;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.scatter.ScatterAdd;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LogSoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The kernels of every backend but the CPU one: ND4J operations only, so the arrays never leave the device during a
 * step (on ND4J's CPU backend they run too, slower than the host loops: the parity tests run both). The formulas
 * are the host loops', written as whole-array operations; the host kernels use some of these forms themselves
 * (float64 LayerNorm and loss rows, the decoding softmax).
 */
public final class Nd4jKernels implements Kernels {
    private static final double K = Math.sqrt(2.0 / Math.PI);
    private static final double C = 0.044715;
    /** Additive causal masks [T, T] (0 on and below the diagonal, -inf above), per length and type; made once each. */
    private final Map<String, INDArray> masks = new ConcurrentHashMap<>();
    /** Generators for the dropout masks, one lent to each caller at a time: concurrent replicas must not share one. */
    private final Queue<Random> generators = new ConcurrentLinkedQueue<>();

    @Override
    public String name() {
        return "nd4j";
    }

    @Override
    public String float32Products() {
        return "ND4J's matmul op";
    }

    @Override
    public String bf16Products() {
        return Bf16Operands.EMULATED + " (ND4J's matmul has no bfloat16-in, float32-out form)";
    }

    /** ND4J's matmul op on the operands as they are (views included) and into c, with alpha and beta. */
    @Override
    public void gemm(double alpha, INDArray a, boolean transA, INDArray b, boolean transB, double beta, INDArray c) {
        ProductShapes.check(a, transA, b, transB, c);
        if (Bf16Operands.involved(a, b, c)) {
            // ND4J's matmul has no bfloat16-in, float32-out form: the same rounded operands, multiplied in float32.
            Bf16Operands.gemm(alpha, a, transA, b, transB, beta, c, Nd4jKernels::mmul);
        } else {
            mmul(alpha, a, transA, b, transB, beta, c);
        }
    }

    private static void mmul(double alpha, INDArray a, boolean transA, INDArray b, boolean transB, double beta, INDArray c) {
        MMulTranspose t = MMulTranspose.builder().transposeA(transA).transposeB(transB).build();
        Nd4j.exec(new Mmul(a, b, c, alpha, beta, t));
    }

    @Override
    public void batchedInto(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c) {
        ProductShapes.checkBatched(a, transA, b, transB, c);
        Nd4j.matmul(a, b, c, transA, transB, false);
    }

    @Override
    public void gelu(INDArray x, INDArray y, INDArray t) {
        t.assign(x).muli(x).muli(x).muli(C).addi(x).muli(K);
        Transforms.tanh(t, false);
        y.assign(t).addi(1).muli(x).muli(0.5);
    }

    @Override
    public INDArray geluBackward(INDArray x, INDArray t, INDArray dy) {
        INDArray inner = x.mul(x).muli(3 * C).addi(1).muli(K);
        INDArray d = t.mul(t).rsubi(1).muli(inner).muli(x).muli(0.5).addi(t.add(1).muli(0.5));
        return d.muli(dy);
    }

    @Override
    public LayerNormOut layerNorm(INDArray x, INDArray gain, INDArray bias, double eps) {
        INDArray centred = x.subColumnVector(x.mean(true, 1));
        INDArray variance = centred.mul(centred).mean(true, 1);
        INDArray r = Transforms.pow(variance.addi(eps), -0.5, false);
        INDArray normed = centred.muliColumnVector(r);
        INDArray xhat = normed.dup();
        return new LayerNormOut(normed.muliRowVector(gain).addiRowVector(bias), xhat, r);
    }

    /** dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), with dxhat = dy * g. */
    @Override
    public INDArray layerNormBackward(INDArray dy, INDArray xhat, INDArray rstd, INDArray gain) {
        INDArray dxhat = dy.mulRowVector(gain);
        INDArray meanD = dxhat.mean(true, 1);
        INDArray meanDX = dxhat.mul(xhat).mean(true, 1);
        return dxhat.subiColumnVector(meanD).subi(xhat.mulColumnVector(meanDX)).muliColumnVector(rstd);
    }

    @Override
    public void causalSoftmax(INDArray scores, double scale) {
        long t = scores.size(scores.rank() - 1);
        INDArray rows = scores.reshape(scores.length() / (t * t), t, t);
        rows.muli(scale).addi(mask(t, scores.dataType()));  // [T, T] broadcast over the leading dimension
        Nd4j.getExecutioner().exec(new SoftMax(rows, rows, 2));
    }

    @Override
    public void causalSoftmaxBackward(INDArray dp, INDArray p, double scale) {
        long t = dp.size(dp.rank() - 1);
        INDArray d = dp.reshape(dp.length() / t, t), pr = p.reshape(p.length() / t, t);
        INDArray dot = d.mul(pr).sum(true, 1);
        d.subiColumnVector(dot).muli(pr).muli(scale);
    }

    @Override
    public void softmaxRows(INDArray rows) {
        Transforms.softmax(rows, false);
    }

    /**
     * log_softmax, the targets' entries gathered from the flattened rows, one read of the chunk's loss, and the
     * gradient softmax - (1 - e) onehot - e / V with the onehot part scatter-added.
     */
    @Override
    public LossOut lossRows(INDArray logits, int[] targets, int from, double smoothing, boolean gradient) {
        int n = (int) logits.size(0);
        long vocab = logits.size(1);
        INDArray logp = Nd4j.getExecutioner().exec(new LogSoftMax(logits, logits))[0];
        int[] at = new int[n];
        for (int i = 0; i < n; i++) at[i] = (int) (i * vocab + targets[from + i]);
        INDArray picked = Nd4j.pullRows(logp.reshape(n * vocab, 1), 1, at);
        double sum = picked.sum().muli(-(1 - smoothing)).subi(logp.mean(1).sum().muli(smoothing)).getDouble(0);
        if (!gradient) return new LossOut(sum, null);
        INDArray d = Transforms.exp(logp, false).subi(smoothing / vocab);
        INDArray updates = Nd4j.valueArrayOf(new long[]{n, 1}, -(1 - smoothing), d.dataType());
        INDArray scattered = Nd4j.getExecutioner().exec(new ScatterAdd(d.reshape(n * vocab, 1), Nd4j.createFromArray(at), updates))[0];
        return new LossOut(sum, scattered.reshape(n, vocab));
    }

    @Override
    public void addRowVector(INDArray y, INDArray v) {
        y.addiRowVector(v);
    }

    /** One native scatter-add of the rows instead of an op per row. */
    @Override
    public void addRows(INDArray dst, int[] rows, INDArray src) {
        INDArray out = Nd4j.getExecutioner().exec(new ScatterAdd(dst, Nd4j.createFromArray(rows), src))[0];
        if (out != dst) dst.assign(out);
    }

    /**
     * Each row from the backend's own generator seeded by its row seed: masks that depend on the row seeds only, as
     * the host kernels' do, but drawn by another generator, so the two kernels' masks differ (the tests run both;
     * each is checked for its keep rate and its independence of the batch layout).
     */
    @Override
    public INDArray dropoutMask(long[] rowSeeds, int features, double p, DataType type) {
        INDArray mask = Nd4j.createUninitialized(type, new long[]{rowSeeds.length, features}, 'c');
        Random rng = generators.poll();
        if (rng == null) rng = Nd4j.getRandomFactory().getNewRandomInstance(0);
        try {
            for (int r = 0; r < rowSeeds.length; r++) {
                rng.setSeed(rowSeeds[r]);
                Nd4j.getExecutioner().exec(new BernoulliDistribution(mask.getRow(r), 1 - p), rng);
            }
        } finally {
            generators.add(rng);
        }
        return mask.muli(1.0 / (1.0 - p));
    }

    /** The store's leading rows gathered in one device copy (the whole capacity, not only the filled slots). */
    @Override
    public void copyCacheRows(INDArray from, int[] rows, int filled, INDArray to) {
        INDArray flat = from.reshape(from.size(0), from.length() / from.size(0));
        INDArray rowsOut = to.reshape(to.size(0), to.length() / to.size(0));
        rowsOut.get(NDArrayIndex.interval(0, rows.length), NDArrayIndex.all()).assign(Nd4j.pullRows(flat, 1, rows));
    }

    /** The squares summed on the device; one read. */
    @Override
    public double globalNorm(List<INDArray> arrays) {
        INDArray sq = Nd4j.scalar(DataType.DOUBLE, 0.0);
        for (INDArray a : arrays) {
            INDArray n = a.norm2().castTo(DataType.DOUBLE);
            sq.addi(n.muli(n));
        }
        return Math.sqrt(sq.getDouble(0));
    }

    /** NaN and infinity counted on the device; one read. */
    @Override
    public boolean allFinite(List<INDArray> arrays) {
        INDArray bad = Nd4j.scalar(DataType.DOUBLE, 0.0);
        for (INDArray a : arrays) {
            bad.addi(a.isNaN().castTo(DataType.DOUBLE).sum()).addi(a.isInfinite().castTo(DataType.DOUBLE).sum());
        }
        return bad.getDouble(0) == 0;
    }

    /** One bulk read of the (dense) matrix from the device, widened row by row. */
    @Override
    public double[][] readRows(INDArray matrix, double[][] out) {
        INDArray m = Dense.of(matrix);
        int rows = (int) m.size(0), cols = (int) m.size(1);
        if (Dense.isDouble(m)) {
            double[] all = m.data().asDouble();
            for (int r = 0; r < rows; r++) System.arraycopy(all, r * cols, out[r], 0, cols);
            return out;
        }
        float[] all = m.data().asFloat();
        for (int r = 0; r < rows; r++) {
            double[] o = out[r];
            for (int c = 0; c < cols; c++) o[c] = all[r * cols + c];
        }
        return out;
    }

    private INDArray mask(long t, DataType type) {
        return masks.computeIfAbsent(t + ":" + type, k -> {
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                double[] m = new double[(int) (t * t)];
                for (int r = 0; r < t; r++) for (int c = r + 1; c < t; c++) m[(int) (r * t + c)] = Double.NEGATIVE_INFINITY;
                return Nd4j.createFromArray(m).castTo(type).reshape(t, t);
            }
        });
    }
}
