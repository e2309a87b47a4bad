package dev.lora.model.kernels.host;

import dev.lora.model.kernels.Bf16Operands;
import dev.lora.model.kernels.Workspaces;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Optional;

/**
 * The host kernels' bfloat16 products: oneDNN's matmul on bfloat16 operands, float32 accumulation and output, when
 * this CPU has such a primitive, and {@code how} it runs for the log. oneDNN 2.5 builds one only from AVX-512 up
 * (AVX512_BF16 and AMX natively, plain AVX-512 emulated); below that the caller emulates ({@link Bf16Operands}).
 */
record Bf16Matmul(Optional<OneDnnMatmul> matmul, String how) {
    /**
     * Builds a small bfloat16 primitive on {@code matmul} (empty when oneDNN does not load, for {@code whyNot}) to learn
     * whether this CPU has one, and which implementation oneDNN picks.
     */
    static Bf16Matmul probe(Optional<OneDnnMatmul> matmul, String whyNot) {
        if (matmul.isEmpty()) return new Bf16Matmul(Optional.empty(), Bf16Operands.EMULATED + "; " + whyNot);
        String dnnl = "oneDNN " + OneDnn.version() + ", ISA " + OneDnn.isa();
        return matmul.get().bf16Impl()
                .map(impl -> new Bf16Matmul(matmul, "oneDNN matmul, bfloat16 operands, float32 accumulation"
                        + " and output (" + dnnl + ", impl " + impl + "; the LM head takes one row count)"))
                .orElseGet(() -> new Bf16Matmul(Optional.empty(), Bf16Operands.EMULATED + " by OpenBLAS: " + dnnl
                        + " has no bfloat16 matmul on this CPU (it needs AVX-512; AVX512_BF16 or AMX to be fast)"));
    }

    /**
     * c = alpha op(a) op(b) + beta c with the float32 operand rounded to bfloat16 (to nearest even, as ND4J casts) in
     * a workspace of its own, freed after the product. False when oneDNN has no primitive for these operands'
     * layout even as dense copies; then nothing was written.
     */
    static boolean gemm(OneDnnMatmul m, double alpha, INDArray a, boolean transA, INDArray b, boolean transB, double beta,
                        INDArray c) {
        try (MemoryWorkspace scratch = Workspaces.open("lora-bf16-operands")) {
            INDArray ha = half(a), hb = half(b);
            return m.gemm(alpha, ha, transA, hb, transB, beta, c)
                    || m.gemm(alpha, ha.dup('c'), transA, hb.dup('c'), transB, beta, c);
        }
    }

    private static INDArray half(INDArray x) {
        return x.dataType() == DataType.BFLOAT16 ? x : x.castTo(DataType.BFLOAT16);
    }
}
