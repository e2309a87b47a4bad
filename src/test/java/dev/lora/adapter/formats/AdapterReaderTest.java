package dev.lora.adapter.formats;

import dev.lora.config.LoraBias;
import dev.lora.config.LoraTarget;
import dev.lora.io.InputError;
import dev.lora.io.Safetensors;
import dev.lora.io.Tensor;
import dev.lora.io.TorchPickle;
import dev.lora.adapter.AdapterFiles;
import dev.lora.adapter.merge.MergeFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How adapters of other tools become this tool's adapter, checked on the PyTorch-written fixtures
 * (scripts/reference/make_merge_fixtures.py) against the tensors stored in them.
 */
class AdapterReaderTest {
    private static final Path PEFT = MergeFixtures.MERGE.resolve("peft-mixed");
    private static final Path MICROSOFT = MergeFixtures.MERGE.resolve("ms-lora-e2e.pt");

    @Test
    void formatsAreDetected() {
        assertThat(AdapterFormat.detect(PEFT)).isEqualTo(AdapterFormat.PEFT);
        assertThat(AdapterFormat.detect(MICROSOFT)).isEqualTo(AdapterFormat.MICROSOFT_CHECKPOINT);
        assertThat(AdapterFormat.detect(MergeFixtures.FIXTURES.resolve("train-parity/init-qv"))).isEqualTo(AdapterFormat.LORALIB);
    }

    /**
     * peft-mixed: dense c_attn B (no block structure) becomes q, k, v of rank 8 sharing A; attn.c_proj is
     * r 8, alpha 16 as the adapter; mlp.c_proj (r 4, alpha 12: scaling 3 against 2) is padded to rank 8 with
     * zeros and its B multiplied by 1.5.
     */
    @Test
    void peftAdapterWithDenseCAttnAndPatternsIsRepresentedExactly() {
        AdapterFiles.Adapter a = AdapterReader.read(PEFT);
        assertThat(a.settings().targets()).containsExactly(LoraTarget.Q, LoraTarget.K, LoraTarget.V, LoraTarget.ATTN_PROJ, LoraTarget.MLP_PROJ);
        assertThat(a.settings().r()).isEqualTo(8);
        assertThat(a.settings().alpha()).isEqualTo(16);
        assertThat(a.settings().dropout()).isEqualTo(0.05);
        assertThat(a.settings().bias()).isEqualTo(LoraBias.NONE);
        assertThat(a.baseModel()).isEqualTo("tiny-gpt2");
        Map<String, Tensor> stored = Safetensors.read(PEFT.resolve("adapter_model.safetensors"));
        String p = "base_model.model.transformer.h.1.";

        float[] attnA = stored.get(p + "attn.c_attn.lora_A.weight").data();
        float[] merged = floats(a.tensors().get("transformer.h.1.attn.c_attn.lora_A"));
        assertThat(merged).hasSize(3 * attnA.length);
        for (int g = 0; g < 3; g++) {
            for (int i = 0; i < attnA.length; i++) assertThat(merged[g * attnA.length + i]).isEqualTo(attnA[i]);
        }
        assertThat(floats(a.tensors().get("transformer.h.1.attn.c_attn.lora_B")))
                .isEqualTo(stored.get(p + "attn.c_attn.lora_B.weight").data());
        assertThat(floats(a.tensors().get("transformer.h.1.attn.c_proj.lora_A")))
                .isEqualTo(stored.get(p + "attn.c_proj.lora_A.weight").data());

        float[] projA = stored.get(p + "mlp.c_proj.lora_A.weight").data(); // [4, 128]
        INDArray paddedA = a.tensors().get("transformer.h.1.mlp.c_proj.lora_A");
        assertThat(paddedA.shape()).containsExactly(8, 128);
        float[] pa = floats(paddedA);
        for (int i = 0; i < pa.length; i++) assertThat(pa[i]).isEqualTo(i < projA.length ? projA[i] : 0f);
        float[] projB = stored.get(p + "mlp.c_proj.lora_B.weight").data(); // [32, 4]
        float[] pb = floats(a.tensors().get("transformer.h.1.mlp.c_proj.lora_B")); // [32, 8]
        for (int row = 0; row < 32; row++) {
            for (int k = 0; k < 8; k++) assertThat(pb[row * 8 + k]).isEqualTo(k < 4 ? (float) (projB[row * 4 + k] * 1.5) : 0f);
        }
    }

    @Test
    void microsoftCheckpointKeepsItsMatricesAndAssumesQAndV() {
        AdapterFiles.Adapter a = AdapterReader.read(MICROSOFT, new AdapterReader.Options(OptionalDouble.of(16)));
        assertThat(a.settings().targets()).containsExactly(LoraTarget.Q, LoraTarget.V);
        assertThat(a.settings().r()).isEqualTo(4);
        assertThat(a.settings().alpha()).isEqualTo(16);
        Map<String, Tensor> stored = TorchPickle.loadStateDict(MICROSOFT, "model_state_dict");
        assertThat(a.tensors()).containsOnlyKeys("transformer.h.0.attn.c_attn.lora_A", "transformer.h.0.attn.c_attn.lora_B",
                "transformer.h.1.attn.c_attn.lora_A", "transformer.h.1.attn.c_attn.lora_B");
        a.tensors().forEach((name, v) -> assertThat(floats(v)).as(name).isEqualTo(stored.get("module." + name).data()));
    }

    @Test
    void microsoftCheckpointTakesTargetsAndAlphaFromAConfigBesideIt(@TempDir Path tmp) throws IOException {
        Path copy = tmp.resolve("model.pt");
        Files.copy(MICROSOFT, copy);
        Files.writeString(tmp.resolve("adapter_config.json"), "{\"lora_alpha\": 4, \"targets\": [\"k\", \"v\"]}");
        AdapterFiles.Adapter a = AdapterReader.read(copy);
        assertThat(a.settings().targets()).containsExactly(LoraTarget.K, LoraTarget.V);
        assertThat(a.settings().alpha()).isEqualTo(4);
        // --lora-alpha wins over the file beside it.
        assertThat(AdapterReader.read(copy, new AdapterReader.Options(OptionalDouble.of(2))).settings().alpha()).isEqualTo(2);
    }

    @Test
    void peftFeaturesThatAreNotPlainLoraAreRefused(@TempDir Path tmp) throws IOException {
        Path dora = copyPeft(tmp.resolve("dora"), "\"peft_type\": \"LORA\"", "\"peft_type\": \"LORA\", \"use_dora\": true");
        assertThatThrownBy(() -> AdapterReader.read(dora)).isInstanceOf(InputError.class).hasMessageContaining("use_dora");
        Path ia3 = copyPeft(tmp.resolve("ia3"), "\"peft_type\": \"LORA\"", "\"peft_type\": \"IA3\"");
        assertThatThrownBy(() -> AdapterReader.read(ia3)).isInstanceOf(InputError.class).hasMessageContaining("peft_type is 'IA3'");
        Path rank = copyPeft(tmp.resolve("rank"), "\"mlp.c_proj\": 4", "\"mlp.c_proj\": 2");
        assertThatThrownBy(() -> AdapterReader.read(rank)).isInstanceOf(InputError.class)
                .hasMessageContaining("'base_model.model.transformer.h.0.mlp.c_proj.lora_A.weight' has rank 4");
    }

    @Test
    void rsLoraScalingIsKept(@TempDir Path tmp) throws IOException {
        Path rs = copyPeft(tmp.resolve("rs"), "\"peft_type\": \"LORA\"", "\"peft_type\": \"LORA\", \"use_rslora\": true");
        AdapterFiles.Adapter a = AdapterReader.read(rs);
        // scaling lora_alpha / sqrt(r) = 16 / sqrt(8) for c_attn and attn.c_proj, as alpha / r in loralib's terms.
        assertThat(a.settings().scaling()).isCloseTo(16 / Math.sqrt(8), org.assertj.core.data.Offset.offset(1e-12));
    }

    private static Path copyPeft(Path dir, String from, String to) throws IOException {
        Files.createDirectories(dir);
        Files.copy(PEFT.resolve("adapter_model.safetensors"), dir.resolve("adapter_model.safetensors"));
        String cfg = Files.readString(PEFT.resolve("adapter_config.json"));
        assertThat(cfg).contains(from);
        Files.writeString(dir.resolve("adapter_config.json"), cfg.replace(from, to));
        return dir;
    }

    private static float[] floats(INDArray a) {
        return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

}
