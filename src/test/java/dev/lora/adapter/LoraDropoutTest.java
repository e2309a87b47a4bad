package dev.lora.adapter;

import dev.lora.model.KernelChoice;
import dev.lora.model.Sequences;
import dev.lora.model.kernels.Kernels;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;

class LoraDropoutTest {
    private static final int ROWS = 250, COLS = 400, TIME = 25;
    private static final int[] KEYS = {3, 1, 4, 15, 9, 2, 6, 5, 35, 8};

    private static INDArray input(DataType type) {
        return Nd4j.linspace(-3, 5, ROWS * COLS, DataType.DOUBLE).reshape(ROWS, COLS).castTo(type);
    }

    @Test
    void dropsAboutPAndScalesTheRestInBothPrecisions() {
        LoraDropout d = new LoraDropout(0.1, KernelChoice.fromEnvironment());
        d.start(42, KEYS, Sequences.padded(KEYS.length, TIME));
        LoraDropout.Dropped f32 = d.apply(input(DataType.FLOAT));
        d.start(42, KEYS, Sequences.padded(KEYS.length, TIME));
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
        LoraDropout d = new LoraDropout(0.3, KernelChoice.fromEnvironment());
        d.start(7, KEYS, Sequences.padded(KEYS.length, TIME));
        INDArray first = d.apply(input(DataType.FLOAT)).mask();
        d.start(7, KEYS, Sequences.padded(KEYS.length, TIME));
        assertThat(d.apply(input(DataType.FLOAT)).mask()).isEqualTo(first);
        d.eval();
        INDArray x = input(DataType.FLOAT);
        LoraDropout.Dropped off = d.apply(x);
        assertThat(off.input()).isSameAs(x);
        assertThat(off.mask()).isNull();
    }

    /**
     * The property padding-free and distributed training rely on: an example's mask rows are the same whether it
     * is first or last in its batch, shares it with other examples, or sits in a batch padded to another length.
     */
    @Test
    void anExamplesMaskDependsOnItsKeyAndPositionOnlyNotOnItsPlaceInTheBatch() {
        LoraDropout d = new LoraDropout(0.5, KernelChoice.fromEnvironment());
        int cols = 64;
        d.start(11, new int[]{7, 42}, Sequences.padded(2, 5));
        INDArray a = d.apply(Nd4j.ones(DataType.FLOAT, 10, cols)).mask();
        d.start(11, new int[]{42, 3, 7}, Sequences.padded(3, 8));
        INDArray b = d.apply(Nd4j.ones(DataType.FLOAT, 24, cols)).mask();
        for (int t = 0; t < 5; t++) {
            assertThat(b.getRow(t)).as("example 42, position %d", t).isEqualTo(a.getRow(5 + t));
            assertThat(b.getRow(16 + t)).as("example 7, position %d", t).isEqualTo(a.getRow(t));
        }
        assertThat(b.getRow(16)).as("another example, another mask").isNotEqualTo(b.getRow(8));
    }

    @Test
    void eachLoraInputOfAPassAndEachStepDrawsItsOwnMask() {
        LoraDropout d = new LoraDropout(0.5, KernelChoice.fromEnvironment());
        d.start(11, new int[]{7}, Sequences.padded(1, 4));
        INDArray first = d.apply(Nd4j.ones(DataType.FLOAT, 4, 64)).mask();
        INDArray second = d.apply(Nd4j.ones(DataType.FLOAT, 4, 64)).mask();
        assertThat(second).isNotEqualTo(first);
        d.start(11, new int[]{7}, Sequences.padded(1, 4));
        assertThat(d.apply(Nd4j.ones(DataType.FLOAT, 4, 64)).mask()).as("a new micro-batch restarts the pass").isEqualTo(first);
        d.start(12, new int[]{7}, Sequences.padded(1, 4));
        assertThat(d.apply(Nd4j.ones(DataType.FLOAT, 4, 64)).mask()).as("another step").isNotEqualTo(first);
    }

    @Test
    void rowsMustMatchTheExamples() {
        LoraDropout d = new LoraDropout(0.5, KernelChoice.fromEnvironment());
        d.start(1, new int[]{0, 1}, Sequences.padded(2, 3));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> d.apply(Nd4j.ones(DataType.FLOAT, 5, 4)))
                .hasMessageContaining("5 rows for sequences of 6 rows");
    }
}
