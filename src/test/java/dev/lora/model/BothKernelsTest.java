package dev.lora.model;

import dev.lora.config.LoraBias;
import dev.lora.config.LoraSettings;
import dev.lora.config.LoraTarget;
import dev.lora.data.Batch;
import dev.lora.data.Example;
import dev.lora.eval.generate.GenerationSettings;
import dev.lora.eval.generate.Generator;
import dev.lora.adapter.LoraModel;
import dev.lora.model.kernels.Kernels;
import dev.lora.model.kernels.host.HostKernels;
import dev.lora.model.kernels.nd4j.Nd4jKernels;
import dev.lora.train.AdamW;
import dev.lora.train.OneStep;
import dev.lora.train.StepUpdater;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole model under both kernels in one JVM, float64: a training step (forward, loss, backward, clipping, AdamW;
 * trained biases, two micro-batches) and beam search over the key/value cache. LoRA dropout is off because the two
 * kernels draw their masks from different generators by design (KernelsTest). Bound: 1e-11 of each tensor's scale.
 * The kernels are the same formulas summed in other orders, which float64 resolves to ~1e-16 per operation; through a
 * two-layer forward and backward and one AdamW step (whose 1/sqrt(v) normalisation divides by the gradient's own
 * size) the measured differences were under 1e-16 of scale (Zen 3, OpenBLAS's Zen kernels); 1e-11 is KernelsTest's 1e-12 per
 * operation with room for a whole step.
 */
class BothKernelsTest {
    private static final Gpt2Config CONFIG = TinyGpt2.config(97, 24, 8, 2, 2);
    private static final double BOUND = 1e-11;

    private static LoraModel model(Kernels kernels) {
        LoraSettings s = new LoraSettings(2, 4, 0.0, List.of(LoraTarget.Q, LoraTarget.V, LoraTarget.MLP_FC), LoraBias.LORA_ONLY,
                Optional.empty());
        // Each model its own base weights: trained biases live there.
        LoraModel m = LoraModel.create(TinyGpt2.random(CONFIG, DataType.DOUBLE, 3), s, 5, kernels);
        // B = 0 at init: give every adapter tensor values so the adapters act in the forward pass too.
        java.util.Random rng = new java.util.Random(9);
        for (INDArray v : m.state().values()) for (long i = 0; i < v.length(); i++) v.putScalar(i, v.getDouble(i) + 0.2 * rng.nextGaussian());
        return m;
    }

    @Test
    void aTrainingStepAndBeamSearchAgreeAcrossKernels() {
        LoraModel host = model(new HostKernels()), nd4j = model(new Nd4jKernels());
        assertThat(host.model().kernels().name()).isEqualTo("host");
        assertThat(nd4j.model().kernels().name()).isEqualTo("nd4j");

        StepUpdater.Result h = step(host), n = step(nd4j);
        assertThat(h.finite()).isTrue();
        assertThat(relative(n.loss(), h.loss())).as("loss").isLessThan(BOUND);
        assertThat(relative(n.gradNorm(), h.gradNorm())).as("gradient norm").isLessThan(BOUND);
        Map<String, INDArray> hs = host.state(), ns = nd4j.state();
        assertThat(ns.keySet()).isEqualTo(hs.keySet());
        for (String name : hs.keySet()) {
            INDArray want = hs.get(name), got = ns.get(name);
            double scale = want.amaxNumber().doubleValue(), diff = got.sub(want).amaxNumber().doubleValue();
            assertThat(diff).as("%s after the step (scale %s)", name, scale).isLessThanOrEqualTo(BOUND * scale);
        }

        GenerationSettings beam = GenerationSettings.e2ePaperDefaults().withBeams(3).withMaxNewTokens(5);
        List<int[]> prompts = List.of(new int[]{5, 6, 7}, new int[]{9, 10}, new int[]{40, 2, 2, 81});
        List<int[]> fromHost = Generator.generate(host, prompts, beam, k -> { });
        List<int[]> fromNd4j = Generator.generate(nd4j, prompts, beam, k -> { });
        assertThat(fromNd4j).as("beam search outputs").containsExactlyElementsOf(fromHost);
    }

    private static StepUpdater.Result step(LoraModel model) {
        AdamW adam = new AdamW(model.trainable(), 0.9, 0.999, 1e-8, 0.01);
        Batch a = Batch.of(List.of(new Example(new int[]{3, 17, 5, 29, 11}, 2), new Example(new int[]{8, 1, 22}, 1)), new int[]{0, 1});
        Batch b = Batch.of(List.of(new Example(new int[]{13, 14, 15, 16}, 2)), new int[]{2});
        return OneStep.run(model, adam, 0.1, 1.0, 7, 0, List.of(a, b), 1e-2);
    }

    private static double relative(double got, double want) {
        return Math.abs(got - want) / Math.max(Math.abs(want), 1e-300);
    }
}
