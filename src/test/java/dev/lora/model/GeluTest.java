package dev.lora.model;

import dev.lora.model.kernels.Kernels;
import dev.lora.model.kernels.Workspaces;
import dev.lora.model.kernels.host.HostKernels;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The fused GELU against gelu_new written out in tanh form, and its slope against finite differences. */
class GeluTest {
    /** The bounds below are the host kernels' (their float tanh); the nd4j kernels' GELU is held to them in KernelsTest. */
    private static final Kernels KERNELS = new HostKernels();
    private static final double K = Math.sqrt(2.0 / Math.PI);

    private static double geluNew(double x) {
        return 0.5 * x * (1 + Math.tanh(K * (x + 0.044715 * x * x * x)));
    }

    /** Large enough to take the parallel path, with inputs across the range where GELU bends. */
    private static double[] inputs() {
        double[] x = new double[70_000];
        for (int i = 0; i < x.length; i++) x[i] = -12 + 24.0 * i / (x.length - 1);
        return x;
    }

    @Test
    void forwardMatchesTanhFormInBothPrecisions() {
        double[] x = inputs();
        INDArray y64 = new Gelu(KERNELS).forward(Nd4j.createFromArray(x).reshape(7, x.length / 7), false);
        double[] got = y64.data().asDouble();
        INDArray y32 = new Gelu(KERNELS).forward(Nd4j.createFromArray(x).castTo(DataType.FLOAT), false);
        float[] got32 = y32.data().asFloat();
        for (int i = 0; i < x.length; i++) {
            double want = geluNew(x[i]);
            assertThat(got[i]).as("float64 at x=%s", x[i]).isCloseTo(want, within(1e-14 * Math.max(1, Math.abs(want))));
            // The float tanh is within 3.3e-7 of tanh (scripts/reference/tanh_rational.py), and y = 0.5 x (1 + tanh).
            assertThat((double) got32[i]).as("float32 at x=%s", x[i]).isCloseTo(want, within(3e-7 * Math.max(1, Math.abs(x[i]))));
        }
    }

    @Test
    void floatBackwardMatchesTheFloat64One() {
        double[] x = inputs();
        double[] dy = new double[x.length];
        for (int i = 0; i < dy.length; i++) dy[i] = Math.sin(i * 0.11);
        Gelu g64 = new Gelu(KERNELS), g32 = new Gelu(KERNELS);
        g64.forward(Nd4j.createFromArray(x), true);
        g32.forward(Nd4j.createFromArray(x).castTo(DataType.FLOAT), true);
        double[] want = g64.backward(Nd4j.createFromArray(dy)).data().asDouble();
        float[] got = g32.backward(Nd4j.createFromArray(dy).castTo(DataType.FLOAT)).data().asFloat();
        for (int i = 0; i < x.length; i++)
            assertThat((double) got[i]).as("x=%s", x[i]).isCloseTo(want[i], within(2e-6 * Math.max(1, Math.abs(x[i]))));
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        double[] x = inputs();
        double[] dy = new double[x.length];
        for (int i = 0; i < dy.length; i++) dy[i] = Math.cos(i * 0.37);
        Gelu gelu = new Gelu(KERNELS);
        gelu.forward(Nd4j.createFromArray(x), true);
        double[] dx = gelu.backward(Nd4j.createFromArray(dy)).data().asDouble();
        double h = 1e-5;
        for (int i = 0; i < x.length; i++) {
            // 4th-order central difference of the independent tanh form.
            double slope = (-geluNew(x[i] + 2 * h) + 8 * geluNew(x[i] + h) - 8 * geluNew(x[i] - h) + geluNew(x[i] - 2 * h)) / (12 * h);
            assertThat(dx[i]).as("x=%s", x[i]).isCloseTo(dy[i] * slope, within(1e-9));
        }
    }

    /**
     * keepThen, as a training step's MLP runs it: inside the step's workspace, the GELU made in a scratch block, what
     * {@code next} makes lands in the step's workspace and survives the scratch, and the numbers are forward's, bit
     * for bit, both ways.
     */
    @Test
    void keepThenGivesForwardsNumbersAndLeavesOnlyNextsResultOutside() {
        float[] x = new float[6 * 500], dy = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (-6 + 12.0 * i / x.length);
            dy[i] = (float) Math.sin(i * 0.3);
        }
        INDArray in = Nd4j.createFromArray(x).reshape(6, 500), grad = Nd4j.createFromArray(dy).reshape(6, 500);
        Gelu plain = new Gelu(KERNELS), scoped = new Gelu(KERNELS);
        INDArray want = plain.forward(in, true).mul(3);
        INDArray wantDx = plain.backward(grad.dup());
        try (MemoryWorkspace step = Workspaces.open("gelu-test-step")) {
            INDArray got = scoped.keepThen(in, y -> y.mul(3));
            assertThat(got.isAttached()).isTrue();
            assertThat(got.data().getParentWorkspace().getId()).isEqualTo("gelu-test-step");
            assertThat(got.data().asFloat()).containsExactly(want.data().asFloat());
            assertThat(scoped.backward(grad.dup()).data().asFloat()).containsExactly(wantDx.data().asFloat());
        }
    }
}
