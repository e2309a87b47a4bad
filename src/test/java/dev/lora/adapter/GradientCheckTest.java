package dev.lora.adapter;

import dev.lora.config.LoraBias;
import dev.lora.config.LoraSettings;
import dev.lora.config.LoraTarget;
import dev.lora.model.Gpt2Config;
import dev.lora.model.Gpt2Weights;
import dev.lora.model.LmLoss;
import dev.lora.model.Param;
import dev.lora.model.TinyGpt2;
import dev.lora.model.Pass;
import dev.lora.model.Sequences;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

import static dev.lora.config.LoraTarget.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-written backward pass against central finite differences of the loss, in float64,
 * through the whole frozen GPT-2 into every kind of adapter and trainable bias.
 */
class GradientCheckTest {
    private static final Gpt2Config CONFIG = TinyGpt2.config(37, 16, 8, 2, 2);
    // Right-padded batch: row 1 is shorter; its padding positions carry no target.
    private static final int[][] IDS = {{3, 17, 5, 29, 11, 2, 36}, {8, 1, 22, 4, 0, 0, 0}};
    private static final int[] ROWS = {1, 2, 3, 4, 5, 7 + 1, 7 + 2};
    private static final int[] TARGETS = {5, 29, 11, 2, 30, 22, 4};

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(List.of(Q, V), LoraBias.NONE, 0.0, 0.0),
                Arguments.of(List.of(K), LoraBias.LORA_ONLY, 0.1, 0.0),
                Arguments.of(List.of(Q, K, V, ATTN_PROJ, MLP_FC, MLP_PROJ, WTE), LoraBias.ALL, 0.1, 0.0),
                Arguments.of(List.of(ATTN_PROJ, MLP_FC, MLP_PROJ, WTE), LoraBias.LORA_ONLY, 0.0, 0.0),
                Arguments.of(List.of(Q, V, MLP_FC), LoraBias.NONE, 0.1, 0.3));
    }

    /** A training pass over IDS (step seed 1234, examples 0 and 1): its dropout masks, when dropout is on. */
    private static final Pass PASS = Pass.training(1234, new int[]{0, 1}, Sequences.padded(2, IDS[0].length));

    @ParameterizedTest(name = "targets {0}, bias {1}, label smoothing {2}, dropout {3}")
    @MethodSource("cases")
    void backwardMatchesFiniteDifferences(List<LoraTarget> targets, LoraBias bias, double smoothing, double dropout) {
        LoraSettings settings = new LoraSettings(2, 6, dropout, targets, bias, Optional.empty());
        Gpt2Weights base = TinyGpt2.random(CONFIG, DataType.DOUBLE, 11);
        LoraModel m = LoraModel.create(base, settings, 5);
        randomise(m, 99); // B = 0 at init would leave the A gradients at exactly zero

        double scale = 1.0 / TARGETS.length;
        m.trainable().forEach(Param::zeroGrad);
        LmLoss.Result r = LmLoss.compute(m.model(), m.model().hidden(IDS, PASS), ROWS, TARGETS, smoothing, scale);
        m.model().backward(r.dHidden());

        Random pick = new Random(3);
        List<String> checked = new ArrayList<>();
        for (Param p : m.trainable()) {
            INDArray v = p.value();
            for (int k = 0; k < Math.min(6, v.length()); k++) {
                long i = pick.nextInt((int) v.length());
                double analytic = p.grad().getDouble(i);
                double old = v.getDouble(i), h = 1e-4;
                // Five-point central difference: truncation error O(h^4), far below the 1e-6 bound.
                double[] f = new double[4];
                double[] offsets = {-2, -1, 1, 2};
                for (int j = 0; j < 4; j++) {
                    v.putScalar(i, old + offsets[j] * h);
                    f[j] = loss(m, smoothing);
                }
                v.putScalar(i, old);
                double numeric = (f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12 * h) * scale;
                // Some gradients are exactly zero (the key-slice bias, by softmax's shift invariance; embedding
                // columns of tokens not in the batch): finite differences only resolve them to their ~1e-12
                // roundoff, so such entries must be zero on both sides; all others meet the relative bound.
                boolean bothZero = Math.abs(analytic) < 1e-10 && Math.abs(numeric) < 1e-10;
                double rel = bothZero ? 0 : Math.abs(analytic - numeric) / Math.max(Math.abs(analytic), Math.abs(numeric));
                assertThat(rel).as("%s[%d]: analytic %s, numeric %s", p.name(), i, analytic, numeric).isLessThan(1e-6);
            }
            checked.add(p.name());
        }
        assertThat(checked).isNotEmpty();
        if (bias == LoraBias.ALL) assertThat(checked).contains("transformer.ln_f.bias", "transformer.h.1.mlp.c_fc.bias");
        if (targets.contains(WTE)) assertThat(checked).contains("transformer.wte.lora_A", "transformer.wte.lora_B");
    }

    /**
     * The key slice of c_attn's bias has a zero gradient in exact arithmetic (finite differences above see only
     * roundoff); in float32 too it must come out as exactly 0, not as roundoff that Adam would turn into steps.
     */
    @Test
    void keyBiasGradientIsExactlyZeroInFloat32() {
        LoraSettings settings = new LoraSettings(2, 6, 0, List.of(Q, K, V), LoraBias.ALL, Optional.empty());
        LoraModel m = LoraModel.create(TinyGpt2.random(CONFIG, DataType.FLOAT, 11), settings, 5);
        randomise(m, 99);
        m.trainable().forEach(Param::zeroGrad);
        LmLoss.Result r = LmLoss.compute(m.model(), m.model().hidden(IDS, true), ROWS, TARGETS, 0.1, 1.0 / TARGETS.length);
        m.model().backward(r.dHidden());
        int c = CONFIG.nEmbd();
        for (int layer = 0; layer < CONFIG.nLayer(); layer++) {
            String name = "transformer.h." + layer + ".attn.c_attn.bias";
            INDArray g = m.trainable().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow().grad();
            for (int j = 0; j < 3 * c; j++) {
                if (j >= c && j < 2 * c) assertThat(g.getDouble(j)).as("%s[%d], key slice", name, j).isZero();
            }
            assertThat(g.get(NDArrayIndex.interval(0, c)).norm2Number().doubleValue()).as("%s, query slice", name).isPositive();
            assertThat(g.get(NDArrayIndex.interval(2 * c, 3 * c)).norm2Number().doubleValue()).as("%s, value slice", name).isPositive();
        }
    }

    private static double loss(LoraModel m, double smoothing) {
        // The same masks as the analytic pass: the same step and examples, nothing kept.
        return LmLoss.compute(m.model(), m.model().hidden(IDS, PASS.withoutKeeping()), ROWS, TARGETS, smoothing, 0).sum();
    }

    private static void randomise(LoraModel m, long seed) {
        Random rng = new Random(seed);
        for (Map.Entry<String, INDArray> e : m.state().entrySet()) {
            INDArray v = e.getValue();
            for (long i = 0; i < v.length(); i++) v.putScalar(i, v.getDouble(i) + 0.3 * rng.nextGaussian());
        }
    }
}
