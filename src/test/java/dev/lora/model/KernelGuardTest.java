package dev.lora.model;

import dev.lora.config.LoraBias;
import dev.lora.config.LoraSettings;
import dev.lora.config.LoraTarget;
import dev.lora.data.Batch;
import dev.lora.data.Example;
import dev.lora.eval.generate.GenerationSettings;
import dev.lora.eval.generate.Generator;
import dev.lora.lora.LoraModel;
import dev.lora.train.AdamW;
import dev.lora.train.StepRunner;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Run by the nd4j-kernels test execution (pom.xml: LORA_KERNELS=nd4j), where {@link Loops} refuses host access to
 * an array outside {@link Loops#readResults}: a full training step (LoRA dropout on, trained biases, two
 * micro-batches, clipping, AdamW) and beam-search decoding with the key/value cache run without reaching a host
 * loop. What still crosses to the host: the step's scalar results (one read per 256 loss rows, one for the global
 * gradient norm, one for the finite check) and each decoding step's logits, which the beam search ranks in Java.
 */
class KernelGuardTest {
    private static final Gpt2Config CONFIG = TinyGpt2.config(50257, 24, 8, 2, 2);

    @Test
    void theNd4jKernelsAreActive() {
        assertThat(Kernels.active().name()).isEqualTo("nd4j");
        assertThatThrownBy(() -> Loops.floats(Nd4j.ones(DataType.FLOAT, 2, 2)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("host loop was reached");
    }

    @Test
    void aTrainingStepAndDecodingStayOffTheHost() {
        for (DataType type : List.of(DataType.FLOAT, DataType.DOUBLE)) {
            LoraSettings s = new LoraSettings(2, 4, 0.2, List.of(LoraTarget.Q, LoraTarget.V, LoraTarget.MLP_FC), LoraBias.LORA_ONLY,
                    Optional.empty());
            LoraModel model = LoraModel.create(TinyGpt2.random(CONFIG, type, 3), s, 5);
            StepRunner runner = new StepRunner(model, new AdamW(model.trainable(), 0.9, 0.999, 1e-8, 0.01), 0.1, 1.0, 7);
            Batch a = Batch.of(List.of(new Example(new int[]{3, 17, 5, 29, 11}, 2), new Example(new int[]{8, 1, 22}, 1)), new int[]{0, 1});
            Batch b = Batch.of(List.of(new Example(new int[]{13, 14, 15, 16}, 2)), new int[]{2});
            StepRunner.Result r = runner.run(0, List.of(a, b), 1e-2);
            assertThat(r.finite()).as("%s step", type).isTrue();
            assertThat(r.skipped()).isFalse();

            GenerationSettings beam = GenerationSettings.e2ePaperDefaults().withBeams(3).withMaxNewTokens(4);
            List<int[]> out = Generator.generate(model, List.of(new int[]{5, 6, 7}, new int[]{9, 10}), beam, n -> { });
            assertThat(out).hasSize(2);
        }
    }
}
