package dev.lora.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The kernels of every backend but the CPU one: ND4J operations only, so the arrays never leave the device during a
 * step (on ND4J's CPU backend they run too, slower than the host loops: the parity tests run both). The formulas
 * are the host loops', written as whole-array operations.
 */
final class Nd4jKernels implements Kernels {
    private static final double K = Math.sqrt(2.0 / Math.PI);
    private static final double C = 0.044715;
    /** Additive causal masks [T, T] (0 on and below the diagonal, -inf above), per length and type; made once each. */
    private final Map<String, INDArray> masks = new ConcurrentHashMap<>();
    /** A generator per thread for the dropout masks, so concurrent replicas (Spark's local executors) do not share one. */
    private final ThreadLocal<Random> generators = ThreadLocal.withInitial(() -> Nd4j.getRandomFactory().getNewRandomInstance(0));

    @Override
    public String name() {
        return "nd4j";
    }

    @Override
    public GeluOut gelu(INDArray x) {
        INDArray u = x.mul(x).muli(x).muli(C).addi(x).muli(K);
        INDArray t = Transforms.tanh(u, false);
        INDArray y = t.add(1).muli(x).muli(0.5);
        return new GeluOut(y, t);
    }

    @Override
    public INDArray geluBackward(INDArray x, INDArray t, INDArray dy) {
        INDArray inner = x.mul(x).muli(3 * C).addi(1).muli(K);
        INDArray d = t.mul(t).rsubi(1).muli(inner).muli(x).muli(0.5).addi(t.add(1).muli(0.5));
        return d.muli(dy);
    }

    @Override
    public LayerNormOut layerNorm(INDArray x, INDArray gain, INDArray bias, double eps) {
        return LayerNorm.forwardOps(x, gain, bias, eps);
    }

    @Override
    public INDArray layerNormBackward(INDArray dy, INDArray xhat, INDArray rstd, INDArray gain) {
        return LayerNorm.backwardOps(dy, xhat, rstd, gain);
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
    public LossOut lossRows(INDArray logits, int[] targets, int from, double smoothing, boolean gradient) {
        return LmLoss.rowsOps(logits, targets, from, smoothing, gradient);
    }

    @Override
    public void addRowVector(INDArray y, INDArray v) {
        y.addiRowVector(v);
    }

    @Override
    public boolean onHost() {
        return false;
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

    /**
     * Each row from the backend's own generator seeded by its row seed: masks that depend on (step, LoRA input,
     * example, position) only, as the host kernels' do, but drawn by another generator, so the two kernels' masks
     * differ (the tests run both; each is checked for its keep rate and its independence of the batch layout).
     */
    @Override
    public INDArray dropoutMask(long[] rowSeeds, int features, double p, DataType type) {
        INDArray mask = Nd4j.createUninitialized(type, new long[]{rowSeeds.length, features}, 'c');
        Random rng = generators.get();
        for (int r = 0; r < rowSeeds.length; r++) {
            rng.setSeed(rowSeeds[r]);
            Nd4j.getExecutioner().exec(new BernoulliDistribution(mask.getRow(r), 1 - p), rng);
        }
        return mask.muli(1.0 / (1.0 - p));
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
