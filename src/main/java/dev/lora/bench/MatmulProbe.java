package dev.lora.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * GFLOP/s of one fixed gemm (1024 x 768 times 768 x 3072, GPT-2's c_fc for 8 x 128 tokens). Run
 * beside the step timing it separates "the BLAS is slower" from "time goes outside the BLAS", and
 * being the same shape for every preset it compares across runs and against PyTorch.
 */
final class MatmulProbe {
    static final int M = 1024, K = 768, N = 3072;
    private static final int REPEATS = 5;

    private MatmulProbe() {
    }

    static double gflops(DataType dtype) {
        INDArray a = Nd4j.rand(dtype, M, K);
        INDArray b = Nd4j.rand(dtype, K, N);
        INDArray c = Nd4j.gemm(a, b, false, false); // first call pays for BLAS start-up
        double[] seconds = new double[REPEATS];
        for (int i = 0; i < REPEATS; i++) {
            long t0 = System.nanoTime();
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            seconds[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(seconds);
        return 2.0 * M * K * N / seconds[REPEATS / 2] / 1e9;
    }
}
