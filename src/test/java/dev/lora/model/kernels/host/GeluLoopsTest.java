package dev.lora.model.kernels.host;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The float32 tanh of the host GELU loop against Math.tanh. */
class GeluLoopsTest {
    @Test
    void floatTanhIsWithinItsStatedErrorEverywhere() {
        double worst = 0;
        for (int i = -2_000_000; i <= 2_000_000; i++) {
            float u = i * 1e-5f * 1.2f;
            worst = Math.max(worst, Math.abs(GeluLoops.tanh(u) - Math.tanh(u)));
        }
        assertThat(worst).isLessThan(3.3e-7);
        assertThat((double) GeluLoops.tanh(Float.POSITIVE_INFINITY)).isCloseTo(1, within(3.3e-7));
        assertThat((double) GeluLoops.tanh(-1e30f)).isCloseTo(-1, within(3.3e-7));
        assertThat(GeluLoops.tanh(Float.NaN)).isNaN();
    }
}
