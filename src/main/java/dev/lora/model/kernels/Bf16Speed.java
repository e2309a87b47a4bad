package dev.lora.model.kernels;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One product measured both ways, for the line a bfloat16 run logs when its model is built: whether bfloat16 pays on
 * this CPU is a measurement, not a guess from its flags. bfloat16 is timed on the model's kernels, float32 on the
 * kernels a float32 run would have (which may multiply float32 with another library: OpenBLAS by default, where a
 * bfloat16 model's float32 products go to oneDNN). The shape is c_attn's on a real E2E batch at GPT-2 small
 * (288 tokens x 768 -> 2304), the products that dominate a step.
 */
public record Bf16Speed(String how, String float32How, double bf16Gflops, double float32Gflops) {
    static final int M = 288, K = 768, N = 2304;
    /**
     * oneDNN's first bfloat16 products build the primitive, generate its kernels and fault in its packing buffers:
     * measured on a Zen 5, the first seven ran at 6-260 GFLOP/s before settling at 260-370 (through these kernels).
     */
    private static final int WARM_UP = 8, REPS = 4;

    /**
     * bfloat16 products on {@code kernels} against float32 products on {@code float32Kernels}, best of {@value #REPS}
     * of each after {@value #WARM_UP} untimed, alternating: about 0.1 s on a 2-core machine.
     */
    public static Bf16Speed measure(Kernels kernels, Kernels float32Kernels) {
        try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray x = Nd4j.rand(DataType.FLOAT, M, K), w = Nd4j.rand(DataType.FLOAT, K, N).subi(0.5);
            INDArray wHalf = w.castTo(DataType.BFLOAT16), y = Nd4j.createUninitialized(DataType.FLOAT, M, N);
            double best32 = Double.MAX_VALUE, best16 = Double.MAX_VALUE;
            for (int rep = 0; rep < WARM_UP + REPS; rep++) {
                long t0 = System.nanoTime();
                float32Kernels.gemm(1, x, false, w, false, 0, y);
                long t1 = System.nanoTime();
                kernels.gemm(1, x, false, wHalf, false, 0, y);
                long t2 = System.nanoTime();
                if (rep >= WARM_UP) {
                    best32 = Math.min(best32, t1 - t0);
                    best16 = Math.min(best16, t2 - t1);
                }
            }
            double flop = 2.0 * M * K * N;
            for (INDArray a : new INDArray[]{x, w, wHalf, y}) a.close();
            return new Bf16Speed(kernels.bf16Products(), float32Kernels.float32Products(), flop / best16, flop / best32);
        }
    }

    public boolean slower() {
        return bf16Gflops < float32Gflops;
    }

    /** The run's one line about it; where bfloat16 loses, it says so and that the run goes on. */
    public String line() {
        String measured = String.format("bfloat16: frozen weights held in bfloat16, products %s; measured now at %d x %d x %d:"
                + " bfloat16 %.0f GFLOP/s, float32 %.0f GFLOP/s (%.2fx; float32 by %s, as a float32 run multiplies)",
                how, M, K, N, bf16Gflops, float32Gflops, bf16Gflops / float32Gflops, float32How);
        return slower() ? measured + ", so on this CPU bfloat16 is slower than float32 (dtype float32 is the faster"
                + " choice); the run goes on in bfloat16" : measured;
    }
}
