package dev.lora.adapter;

import dev.lora.config.LoraBias;
import dev.lora.config.LoraSettings;
import dev.lora.config.LoraTarget;
import dev.lora.model.Gpt2Loader;
import dev.lora.model.Gpt2Model;
import dev.lora.model.Gpt2Weights;
import dev.lora.model.Pass;
import dev.lora.model.Sequences;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** loralib's init makes every adapter's delta exactly zero (B = 0; for the embedding A = 0): a drop-in. */
class FreshAdapterTest {
    @Test
    void freshAdaptersLeaveLogitsBitIdentical() {
        Gpt2Weights base = Gpt2Loader.load(Path.of("src/test/resources/fixtures/tiny-gpt2"), DataType.FLOAT);
        int[][] ids = {{464, 3290, 318, 257, 50256, 1110, 13}, {15496, 995, 11, 50256, 0, 0, 0}};
        INDArray plain = new Gpt2Model(base).logits(new Gpt2Model(base).hidden(ids, false));
        LoraSettings all = new LoraSettings(4, 32, 0.1, List.of(LoraTarget.values()), LoraBias.NONE, Optional.empty());
        LoraModel adapted = LoraModel.create(base, all, 7);
        // Even on a training pass, with dropout, a zero branch adds exactly zero.
        Pass training = Pass.training(3, new int[]{0, 1}, Sequences.padded(2, ids[0].length)).withoutKeeping();
        INDArray withAdapters = adapted.model().logits(adapted.model().hidden(ids, training));
        assertThat(withAdapters.equals(plain)).as("bit-identical logits").isTrue();
        // ...while the adapters are really there and random where loralib makes them random.
        assertThat(adapted.state().get("transformer.h.0.attn.c_attn.lora_A").amaxNumber().doubleValue()).isPositive();
        assertThat(adapted.state().get("transformer.wte.lora_B").amaxNumber().doubleValue()).isPositive();
    }
}
