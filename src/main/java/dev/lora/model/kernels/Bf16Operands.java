package dev.lora.model.kernels;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.function.BiConsumer;

/**
 * The operands of a bfloat16 product (PyTorch's CPU autocast semantics): when either operand is held in bfloat16
 * (a frozen weight of a bfloat16 run), both are taken in bfloat16, the float32 one rounded to nearest even, and
 * the product is accumulated and written in float32. Here both come back as float32 arrays holding exactly those
 * bfloat16 values, for a float32 BLAS; a backend with bfloat16 products reads the bfloat16 values instead.
 */
public final class Bf16Operands {
    private Bf16Operands() {
    }

    /** How this build computes bfloat16 products, for logs and lora bench. */
    public static final String HOW = "emulated: float32 BLAS on bfloat16-rounded operands (no bfloat16 matrix kernel"
            + " in this build yet)";

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

    /**
     * Runs {@code product} on both operands rounded ({@link #rounded}) in a workspace of their own, reset after
     * each product, so the copies of one product reuse the memory of the last. In the training step's workspace
     * every product would keep its copies (a float32 copy of each weight it read, the LM head's included) until
     * the step ends: measured +1.6 GB of peak memory at GPT-2 small, batch 8 x 128 (+1.1 GB this way; freeing
     * each copy instead, allocated outside any workspace, was slower and kept more).
     */
    public static void withRounded(INDArray a, INDArray b, BiConsumer<INDArray, INDArray> product) {
        try (MemoryWorkspace scratch = Nd4j.getWorkspaceManager().getAndActivateWorkspace(SCRATCH, "lora-bf16-operands")) {
            product.accept(rounded(a), rounded(b));
        }
    }

    private static final WorkspaceConfiguration SCRATCH = WorkspaceConfiguration.builder()
            .policyLearning(LearningPolicy.FIRST_LOOP).policyAllocation(AllocationPolicy.OVERALLOCATE)
            .overallocationLimit(0.1).policySpill(SpillPolicy.REALLOCATE).policyReset(ResetPolicy.BLOCK_LEFT).build();

    private static boolean halfOrSingle(INDArray x) {
        return x.dataType() == DataType.BFLOAT16 || x.dataType() == DataType.FLOAT;
    }
}
