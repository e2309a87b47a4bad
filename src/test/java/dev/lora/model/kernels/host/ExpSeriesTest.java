package dev.lora.model.kernels.host;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ExpSeriesTest {
    @Test
    void expMatchesMathExpOverTheWholeRange() {
        int n = 200_001;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = -110.0 * i / (n - 1);
        double[] e = x.clone();
        ExpSeries.nonPositiveInPlace(e, n);
        for (int i = 0; i < n; i++) {
            double want = Math.exp(Math.max(x[i], -104));
            assertThat(Math.abs(e[i] - want) / want).as("exp(%s)", x[i]).isLessThan(1e-12);
        }
    }
}
