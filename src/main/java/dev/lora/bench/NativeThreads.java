package dev.lora.bench;

import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's CPU backend has two thread pools: libnd4j's (element-wise ops, reductions, batched matmul) and
 * OpenBLAS's (gemm). OMP_NUM_THREADS sizes both when the native libraries load, but a JVM cannot set its
 * own environment, so they are capped through their APIs once loaded. In 1.0.0-M2.1
 * Environment.setMaxThreads is a no-op (the pool is already built); setMaxMasterThreads is what limits
 * how many pool threads one op uses. Checked by watching per-thread CPU time in /proc/self/task: with 1,
 * a gemm, a batched matmul and a tanh each keep a single thread busy; with 2, two.
 */
public final class NativeThreads {
    private NativeThreads() {
    }

    /** What the pools use after {@link #apply}: libnd4j threads per op, OpenBLAS threads. */
    public record Counts(int nd4j, int blas) {
    }

    /** Caps both pools at {@code n} threads (0 leaves ND4J's defaults: one per core, or OMP_NUM_THREADS). */
    public static Counts apply(int n) {
        if (n > 0) {
            Nd4j.getEnvironment().setMaxMasterThreads(n);
            Nd4j.factory().blas().setMaxThreads(n);
        }
        return new Counts(Nd4j.getEnvironment().maxMasterThreads(), Nd4j.factory().blas().getMaxThreads());
    }
}
