package dev.lora.model.kernels;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;


/**
 * The operands of a bfloat16 product (PyTorch's CPU autocast semantics): when either operand is held in bfloat16
 * (a frozen weight of a bfloat16 run), both are taken in bfloat16, the float32 one rounded to nearest even, and
 * the product is accumulated and written in float32. Here both come back as float32 arrays holding exactly those
 * bfloat16 values, for a float32 BLAS: exact bfloat16 results on any CPU, slower than float32. The host kernels take
 * oneDNN's bfloat16 matmul instead where the CPU has one.
 */
public final class Bf16Operands {
    private Bf16Operands() {
    }

    /** What {@link #gemm} does, for {@link Kernels#bf16Products()}. */
    public static final String EMULATED = "emulated: float32 products on bfloat16-rounded operands";

    /** Whether c = a b is a bfloat16 product: an operand in bfloat16, the other in float32 or bfloat16, c in float32. */
    public static boolean involved(INDArray a, INDArray b, INDArray c) {
        boolean any = a.dataType() == DataType.BFLOAT16 || b.dataType() == DataType.BFLOAT16;
        return any && c.dataType() == DataType.FLOAT && halfOrSingle(a) && halfOrSingle(b);
    }

    /** x's values in bfloat16, as a new dense float32 array of x's shape (a view's elements, not its buffer). */
    public static INDArray rounded(INDArray x) {
        INDArray half = x.dataType() == DataType.BFLOAT16 ? x : x.castTo(DataType.BFLOAT16);
        return half.castTo(DataType.FLOAT);
    }

    /** A float32 product c = alpha op(a) op(b) + beta c, the kernel's own. */
    public interface Product {
        void gemm(double alpha, INDArray a, boolean transA, INDArray b, boolean transB, double beta, INDArray c);
    }

    /**
     * c = alpha op(a) op(b) + beta c on the bfloat16-rounded operands, by {@code product} on float32 copies made one
     * panel at a time: of the output's columns when the inner dimension is the shorter, else of the inner dimension
     * (the panels' products summed into c). Each panel's copies live in a workspace of their own, reset after the
     * panel, so no product holds a float32 copy of a whole weight (the LM head's would be 154 MB at GPT-2 small).
     * Copying whole operands instead, in the training step's workspace, kept every product's copies until the step
     * ended: measured +1.6 GB of peak memory at GPT-2 small, batch 8 x 128 (+1.1 GB with a workspace per product).
     */
    public static void gemm(double alpha, INDArray a, boolean transA, INDArray b, boolean transB, double beta, INDArray c,
                            Product product) {
        long n = c.size(1), k = transA ? a.size(0) : a.size(1);
        if (k >= n) {
            long step = panel(n);
            for (long from = 0; from < k; from += step) {
                long to = Math.min(k, from + step);
                panelProduct(alpha, transA ? rows(a, from, to) : columns(a, from, to), true, transA,
                        transB ? columns(b, from, to) : rows(b, from, to), transB, from == 0 ? beta : 1, c, product);
            }
        } else {
            // Every panel reads all of op(a): rounded once, in a workspace of its own around the panels'.
            try (MemoryWorkspace whole = Workspaces.open("lora-bf16-activation")) {
                INDArray ra = rounded(a);
                long step = panel(k);
                for (long from = 0; from < n; from += step) {
                    long to = Math.min(n, from + step);
                    panelProduct(alpha, ra, false, transA, transB ? rows(b, from, to) : columns(b, from, to), transB, beta,
                            columns(c, from, to), product);
                }
            }
        }
    }

    /** Columns of a panel: about 4 MB of float32 against the other dimension, and never fewer than 64. */
    private static long panel(long other) {
        return Math.max(64, (1L << 20) / Math.max(1, other));
    }

    /** One panel's product, its copies (b's, and a's unless given rounded) in a workspace reset after it. */
    private static void panelProduct(double alpha, INDArray a, boolean roundA, boolean transA, INDArray b, boolean transB,
                                     double beta, INDArray c, Product product) {
        try (MemoryWorkspace scratch = Workspaces.open("lora-bf16-panel")) {
            product.gemm(alpha, roundA ? rounded(a) : a, transA, rounded(b), transB, beta, c);
        }
    }

    private static INDArray rows(INDArray x, long from, long to) {
        return x.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    private static INDArray columns(INDArray x, long from, long to) {
        return x.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to));
    }

    private static boolean halfOrSingle(INDArray x) {
        return x.dataType() == DataType.BFLOAT16 || x.dataType() == DataType.FLOAT;
    }
}
