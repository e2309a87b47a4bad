package dev.lora.model.kernels;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * Everything the model computes that depends on where the arrays live: matrix products, the fused element-wise and
 * per-row work (forward and backward side by side), key/value cache row copies, dropout masks, whole-model
 * reductions and the read of a step's results. Layers hold an instance, given to the model when it is built, and
 * never reach BLAS or array memory past it. {@code host.HostKernels}: Java loops over the arrays' own memory and
 * OpenBLAS called directly (ND4J's CPU backend, where host memory is the only copy). {@code nd4j.Nd4jKernels}: ND4J
 * operations only, so on a GPU backend a step stays on the device. One JVM may run models under both;
 * {@code model.KernelChoice} picks one from LORA_KERNELS.
 */
public interface Kernels {
    /** "host" or "nd4j", as LORA_KERNELS names them and lora bench reports them. */
    String name();

    /** How {@link #gemm} computes a bfloat16 product ({@link Bf16Operands}) here, for the run's log and lora bench. */
    String bf16Products();

    /** Which library {@link #gemm} multiplies float32 matrices with, for lora bench. */
    String float32Products();

    /** c = alpha op(a) op(b) + beta c for 2-D arrays or views (column blocks, transposes); c has rows of unit stride. */
    void gemm(double alpha, INDArray a, boolean transA, INDArray b, boolean transB, double beta, INDArray c);

    /** x [M, K] times W [K, N]: a new row-major [M, N]. */
    default INDArray times(INDArray x, INDArray w) {
        INDArray out = Nd4j.createUninitialized(x.dataType(), new long[]{x.size(0), w.size(1)}, 'c');
        gemm(1, x, false, w, false, 0, out);
        return out;
    }

    /** dy [M, N] times W^T ([N, K]): a new row-major [M, K]. */
    default INDArray timesTransposed(INDArray dy, INDArray w) {
        INDArray out = Nd4j.createUninitialized(dy.dataType(), new long[]{dy.size(0), w.size(0)}, 'c');
        gemm(1, dy, false, w, true, 0, out);
        return out;
    }

    /**
     * c[i, j] = op(a[i, j]) op(b[i, j]) over the two leading dimensions of [B, H, *, *] arrays or views, written into
     * c, whose matrices have rows of unit stride (heads laid out as [B, T, H, D] and viewed as [B, H, T, D], say).
     */
    void batchedInto(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c);

    /** As {@link #batchedInto}, into a new row-major [B, H, M, N]. */
    default INDArray batched(INDArray a, boolean transA, INDArray b, boolean transB) {
        if (a.rank() != 4 || b.rank() != 4) throw new IllegalArgumentException("expected [B, H, rows, cols] arrays");
        long m = transA ? a.size(3) : a.size(2), n = transB ? b.size(2) : b.size(3);
        INDArray c = Nd4j.createUninitialized(a.dataType(), new long[]{a.size(0), a.size(1), m, n}, 'c');
        batchedInto(a, transA, b, transB, c);
        return c;
    }

    /**
     * GPT-2's tanh GELU of dense x into y, and tanh(u), which the backward needs, into t (both dense, of x's shape and
     * type): the caller chooses where each lives, as y may be needed far less long than t.
     */
    void gelu(INDArray x, INDArray y, INDArray t);

    /** dL/dx from x, tanh(u) and dy (dense; dy's memory may be reused). */
    INDArray geluBackward(INDArray x, INDArray t, INDArray dy);

    /** LayerNorm's output and what its backward needs: the normalised rows and 1/sqrt(var + eps) per row. */
    record LayerNormOut(INDArray y, INDArray xhat, INDArray rstd) {
    }

    LayerNormOut layerNorm(INDArray x, INDArray gain, INDArray bias, double eps);

    INDArray layerNormBackward(INDArray dy, INDArray xhat, INDArray rstd, INDArray gain);

    /** softmax(scale * scores) over the last dimension of dense [..., T, T] scores, causally masked, in place. */
    void causalSoftmax(INDArray scores, double scale);

    /** Its backward: dp (dense, same shape) becomes dL/dscores, given the probabilities p. */
    void causalSoftmaxBackward(INDArray dp, INDArray p, double scale);

    /** softmax over each row of a [rows, width] array (already masked and scaled), in place: cached decoding's attention. */
    void softmaxRows(INDArray rows);

    /** A chunk of loss rows: the summed label-smoothed cross-entropy and, when asked, dL/dlogits (may be logits' memory). */
    record LossOut(double sum, INDArray dLogits) {
    }

    LossOut lossRows(INDArray logits, int[] targets, int from, double smoothing, boolean gradient);

    /** y[i, :] += v for every row of dense y, in place. */
    void addRowVector(INDArray y, INDArray v);

    /** dst[rows[i], :] += src[i, :] for each i in turn, in place (dense arrays of one width): the LM head's gradient rows. */
    void addRows(INDArray dst, int[] rows, INDArray src);

    /**
     * Inverted-dropout masks, [rows, features] of 0 and 1/(1-p): row r's entries are drawn from a generator seeded by
     * {@code rowSeeds[r]} alone (LoRA dropout derives it from the step, the module, the example and the position).
     */
    INDArray dropoutMask(long[] rowSeeds, int features, double p, DataType type);

    /**
     * The key/value cache's reordering: rows {@code rows} of the [B, H, capacity, D] store {@code from} (repeats
     * allowed) into the leading rows of {@code to}, a dense store of the same shape but for its row count. Slots from
     * {@code filled} on hold nothing yet and need not be copied.
     */
    void copyCacheRows(INDArray from, int[] rows, int filled, INDArray to);

    /** sqrt of the sum of squares over all the arrays (the global gradient norm), read once. */
    double globalNorm(List<INDArray> arrays);

    /** Whether every value of every array is finite, read once. */
    boolean allFinite(List<INDArray> arrays);

    /**
     * A step's results as Java values: a matrix's rows widened to double (exact for float32) into {@code out}'s first
     * rows (each as long as a matrix row), e.g. the next-token logits a beam search ranks. The one read of bulk data
     * from the arrays a step makes.
     */
    double[][] readRows(INDArray matrix, double[][] out);

    default double[][] readRows(INDArray matrix) {
        return readRows(matrix, new double[(int) matrix.size(0)][(int) matrix.size(1)]);
    }
}
