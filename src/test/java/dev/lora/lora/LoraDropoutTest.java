package dev.lora.lora;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;

class LoraDropoutTest {
    private static final int ROWS = 250, COLS = 400;

    private static INDArray input(DataType type) {
        return Nd4j.linspace(-3, 5, ROWS * COLS, DataType.DOUBLE).reshape(ROWS, COLS).castTo(type);
    }

    @Test
    void dropsAboutPAndScalesTheRestInBothPrecisions() {
        LoraDropout d = new LoraDropout(0.1);
        d.reseed(42);
        LoraDropout.Dropped f32 = d.apply(input(DataType.FLOAT));
        d.reseed(42);
        LoraDropout.Dropped f64 = d.apply(input(DataType.DOUBLE));
        double[] m32 = f32.mask().castTo(DataType.DOUBLE).data().asDouble(), m64 = f64.mask().data().asDouble();
        double[] x = input(DataType.DOUBLE).data().asDouble(), in64 = f64.input().data().asDouble();
        int dropped = 0;
        for (int i = 0; i < m64.length; i++) {
            assertThat(m64[i]).isIn(0.0, 1 / 0.9);
            assertThat(m32[i]).as("float32 mask = float64 mask at %d", i).isEqualTo((double) (float) m64[i]);
            assertThat(in64[i]).isEqualTo(x[i] * m64[i]);
            if (m64[i] == 0) dropped++;
        }
        // Binomial(100000, 0.1): standard deviation ~95; five of them either side.
        assertThat(dropped).isBetween(10_000 - 475, 10_000 + 475);
    }

    @Test
    void sameSeedSameMaskAndEvaluationDropsNothing() {
        LoraDropout d = new LoraDropout(0.3);
        d.reseed(7);
        INDArray first = d.apply(input(DataType.FLOAT)).mask();
        d.reseed(7);
        assertThat(d.apply(input(DataType.FLOAT)).mask()).isEqualTo(first);
        d.eval();
        INDArray x = input(DataType.FLOAT);
        LoraDropout.Dropped off = d.apply(x);
        assertThat(off.input()).isSameAs(x);
        assertThat(off.mask()).isNull();
    }
}
