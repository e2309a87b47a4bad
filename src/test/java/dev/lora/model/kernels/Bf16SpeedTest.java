package dev.lora.model.kernels;

import dev.lora.model.kernels.host.HostKernels;
import dev.lora.model.kernels.nd4j.Nd4jKernels;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one line a bfloat16 model logs when it is built: what the products are and how fast each type ran here, and,
 * where bfloat16 lost, that float32 is the faster choice and the run goes on. Speeds are measured, so the tests check
 * the wording from given figures and, from a real measurement, only that both rates are rates.
 */
class Bf16SpeedTest {
    @Test
    void aSlowerBfloat16SaysSoAndThatTheRunGoesOn() {
        Bf16Speed slow = new Bf16Speed("emulated", "OpenBLAS", 90, 180);
        assertThat(slow.slower()).isTrue();
        assertThat(slow.line()).contains("products emulated", "bfloat16 90 GFLOP/s, float32 180 GFLOP/s (0.50x; float32 by OpenBLAS",
                "slower than float32", "the run goes on in bfloat16");
        Bf16Speed fast = new Bf16Speed("oneDNN", "OpenBLAS", 600, 200);
        assertThat(fast.slower()).isFalse();
        assertThat(fast.line()).contains("bfloat16 600 GFLOP/s, float32 200 GFLOP/s (3.00x; float32 by OpenBLAS").doesNotContain("slower");
    }

    @Test
    void bothKernelsMeasureTheirOwnProducts() {
        for (Kernels k : new Kernels[]{new HostKernels(), new Nd4jKernels()}) {
            Bf16Speed s = Bf16Speed.measure(k, k);
            assertThat(s.how()).as(k.name()).isEqualTo(k.bf16Products());
            assertThat(s.float32How()).as(k.name()).isEqualTo(k.float32Products());
            assertThat(s.bf16Gflops()).as(k.name()).isPositive().isFinite();
            assertThat(s.float32Gflops()).as(k.name()).isPositive().isFinite();
        }
    }

    /** A bfloat16 model's kernels multiply float32 with oneDNN; the comparison is with what a float32 run would use. */
    @Test
    void float32IsTimedOnTheKernelsAFloat32RunWouldHave() {
        Bf16Speed s = Bf16Speed.measure(new HostKernels(HostKernels.Float32Products.ONEDNN), new HostKernels());
        assertThat(s.float32How()).isEqualTo("OpenBLAS");
        assertThat(s.line()).contains("float32 by OpenBLAS, as a float32 run multiplies");
    }
}
