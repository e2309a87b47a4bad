package dev.lora.adapter;

import dev.lora.model.KernelChoice;
import dev.lora.model.Pass;
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
    private static final String Q_V = "transformer.h.0.attn.c_attn", FC = "transformer.h.0.mlp.c_fc";

    private static INDArray input(DataType type) {
        return Nd4j.linspace(-3, 5, ROWS * COLS, DataType.DOUBLE).reshape(ROWS, COLS).castTo(type);
    }

    private static LoraDropout dropout(double p, String module) {
        return new LoraDropout(p, module, KernelChoice.fromEnvironment());
    }

    @Test
    void dropsAboutPAndScalesTheRestInBothPrecisions() {
        LoraDropout d = dropout(0.1, Q_V);
        Pass pass = Pass.training(42, KEYS, Sequences.padded(KEYS.length, TIME));
        LoraDropout.Dropped f32 = d.apply(input(DataType.FLOAT), pass);
        LoraDropout.Dropped f64 = d.apply(input(DataType.DOUBLE), pass);
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
    void sameSeedSameMaskAndOtherPassesDropNothing() {
        LoraDropout d = dropout(0.3, Q_V);
        Pass pass = Pass.training(7, KEYS, Sequences.padded(KEYS.length, TIME));
        INDArray first = d.apply(input(DataType.FLOAT), pass).mask();
        assertThat(d.apply(input(DataType.FLOAT), pass).mask()).isEqualTo(first);
        assertThat(d.apply(input(DataType.FLOAT), pass.withoutKeeping()).mask()).as("a loss-only pass of the same step")
                .isEqualTo(first);
        for (Pass other : new Pass[]{Pass.INFERENCE, Pass.KEEP}) {
            INDArray x = input(DataType.FLOAT);
            LoraDropout.Dropped off = d.apply(x, other);
            assertThat(off.input()).isSameAs(x);
            assertThat(off.mask()).isNull();
        }
    }

    /**
     * The property padding-free and distributed training rely on: an example's mask rows are the same whether it
     * is first or last in its batch, shares it with other examples, or sits in a batch padded to another length.
     */
    @Test
    void anExamplesMaskDependsOnItsKeyAndPositionOnlyNotOnItsPlaceInTheBatch() {
        LoraDropout d = dropout(0.5, Q_V);
        int cols = 64;
        INDArray a = d.apply(Nd4j.ones(DataType.FLOAT, 10, cols), Pass.training(11, new int[]{7, 42}, Sequences.padded(2, 5))).mask();
        INDArray b = d.apply(Nd4j.ones(DataType.FLOAT, 24, cols), Pass.training(11, new int[]{42, 3, 7}, Sequences.padded(3, 8))).mask();
        for (int t = 0; t < 5; t++) {
            assertThat(b.getRow(t)).as("example 42, position %d", t).isEqualTo(a.getRow(5 + t));
            assertThat(b.getRow(16 + t)).as("example 7, position %d", t).isEqualTo(a.getRow(t));
        }
        assertThat(b.getRow(16)).as("another example, another mask").isNotEqualTo(b.getRow(8));
    }

    /** Masks are keyed by the module's name: not by the order modules run in, nor by which object draws them. */
    @Test
    void eachModuleAndEachStepDrawsItsOwnMask() {
        Pass pass = Pass.training(11, new int[]{7}, Sequences.padded(1, 4));
        INDArray fc = dropout(0.5, FC).apply(Nd4j.ones(DataType.FLOAT, 4, 64), pass).mask();
        INDArray qv = dropout(0.5, Q_V).apply(Nd4j.ones(DataType.FLOAT, 4, 64), pass).mask();
        assertThat(qv).as("another module").isNotEqualTo(fc);
        assertThat(dropout(0.5, FC).apply(Nd4j.ones(DataType.FLOAT, 4, 64), pass).mask())
                .as("the same module's name, drawn later by another object").isEqualTo(fc);
        assertThat(dropout(0.5, FC).apply(Nd4j.ones(DataType.FLOAT, 4, 64), Pass.training(12, new int[]{7},
                Sequences.padded(1, 4))).mask()).as("another step").isNotEqualTo(fc);
    }

    @Test
    void rowsMustMatchTheExamples() {
        LoraDropout d = dropout(0.5, Q_V);
        Pass pass = Pass.training(1, new int[]{0, 1}, Sequences.padded(2, 3));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> d.apply(Nd4j.ones(DataType.FLOAT, 5, 4), pass))
                .hasMessageContaining("5 rows for sequences of 6 rows");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Pass.training(1, new int[]{0}, Sequences.padded(2, 3)))
                .hasMessageContaining("1 keys for 2 sequences");
    }
}
