package dev.lora.model;

import dev.lora.model.kernels.Kernels;
import dev.lora.model.kernels.host.HostKernels;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The float32 row loop against the float64 op-by-op LayerNorm, forward and backward. */
class LayerNormTest {
    /** The float32 loop and the float64 ops it is held to are the host kernels'. */
    private static final Kernels KERNELS = new HostKernels();

    private static double[][] random(int rows, int cols, double offset, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] a = new double[rows][cols];
        for (double[] row : a) for (int j = 0; j < cols; j++) row[j] = offset + 3 * (rng.nextDouble() - 0.5);
        return a;
    }

    private static LayerNorm layerNorm(DataType type, double[] g, double[] b) {
        return new LayerNorm(new Param("g", Nd4j.createFromArray(g).castTo(type)),
                new Param("b", Nd4j.createFromArray(b).castTo(type)), 1e-5, KERNELS);
    }

    @Test
    void floatLoopMatchesFloat64Ops() {
        // Enough rows for the parallel path; an offset mean tests the centring.
        int rows = 96, cols = 768;
        double[][] x = random(rows, cols, 2.5, 1);
        double[][] dy = random(rows, cols, 0, 2);
        double[] g = random(1, cols, 1, 3)[0], b = random(1, cols, 0, 4)[0];
        LayerNorm ln64 = layerNorm(DataType.DOUBLE, g, b), ln32 = layerNorm(DataType.FLOAT, g, b);
        // Both get the same float-rounded inputs, so the difference is the float loop's own rounding.
        INDArray x32 = Nd4j.createFromArray(x).castTo(DataType.FLOAT), dy32 = Nd4j.createFromArray(dy).castTo(DataType.FLOAT);
        INDArray y64 = ln64.forward(x32.castTo(DataType.DOUBLE), true);
        INDArray y32 = ln32.forward(x32, true);
        INDArray dx64 = ln64.backward(dy32.castTo(DataType.DOUBLE));
        INDArray dx32 = ln32.backward(dy32);
        assertClose(y32, y64, 1e-6);
        assertClose(dx32, dx64, 1e-6);
    }

    @Test
    void float64MatchesTheDefinitionByHand() {
        // Row [1, 2, 3, 4]: mean 2.5, biased variance 1.25; g = 2, b = 1.
        LayerNorm ln = layerNorm(DataType.DOUBLE, new double[]{2, 2, 2, 2}, new double[]{1, 1, 1, 1});
        INDArray y = ln.forward(Nd4j.createFromArray(new double[][]{{1, 2, 3, 4}}), false);
        double sd = Math.sqrt(1.25 + 1e-5);
        for (int j = 0; j < 4; j++) assertThat(y.getDouble(0, j)).isCloseTo(2 * (j + 1 - 2.5) / sd + 1, within(1e-12));
    }

    private static void assertClose(INDArray got, INDArray want, double tol) {
        double[] a = got.castTo(DataType.DOUBLE).data().asDouble(), e = want.data().asDouble();
        assertThat(a).hasSameSizeAs(e);
        for (int i = 0; i < a.length; i++)
            assertThat(a[i]).as("element %d", i).isCloseTo(e[i], within(tol * Math.max(1, Math.abs(e[i]))));
    }
}
