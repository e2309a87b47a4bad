package dev.lora.adapter.merge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lora.io.DType;
import dev.lora.io.HalfFloats;
import dev.lora.io.Safetensors;
import dev.lora.io.SafetensorsHeader;
import dev.lora.io.Tensor;
import dev.lora.adapter.formats.AdapterReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The merged folder follows what transformers' GPT2LMHeadModel.from_pretrained expects: config.json of the
 * base (plus torch_dtype, and tie_word_embeddings false with an explicit lm_head.weight when wte was
 * merged), model.safetensors with metadata format "pt", the base's key naming and Conv1D [in, out] shapes,
 * no attention-mask buffers, and the tokenizer files.
 */
class HuggingFaceLayoutTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path merge(Path model, Path out, Path adapter, Optional<DType> dtype) {
        Merge.run(new Merge.Options(model.toString(), List.of(new Merge.Input(adapter, 1)), out, dtype, false,
                AdapterReader.Options.DEFAULTS));
        return out;
    }

    @Test
    void withoutAnEmbeddingAdapterKeysAndConfigAreTheBases(@TempDir Path tmp) throws IOException {
        Path adapter = MergeFixtures.writeAdapter(tmp.resolve("a"), MergeFixtures.settings("q,v,mlp_fc", "none"), 7);
        Path out = merge(MergeFixtures.MODEL, tmp.resolve("merged"), adapter, Optional.empty());

        SafetensorsHeader header = Safetensors.readHeader(out.resolve("model.safetensors"));
        SafetensorsHeader base = Safetensors.readHeader(MergeFixtures.MODEL.resolve("model.safetensors"));
        assertThat(header.metadata()).containsEntry("format", "pt");
        Set<String> expected = base.tensors().keySet().stream().filter(k -> !k.endsWith(".attn.bias")).collect(Collectors.toSet());
        assertThat(header.tensors().keySet()).as("hub-style names without transformer., no buffers, no tied lm_head")
                .containsExactlyInAnyOrderElementsOf(expected);
        header.tensors().forEach((name, e) -> {
            assertThat(e.shape()).as(name).isEqualTo(base.tensors().get(name).shape());
            assertThat(e.dtype()).as(name).isEqualTo(DType.F32);
        });
        ObjectNode config = (ObjectNode) JSON.readTree(out.resolve("config.json").toFile());
        ObjectNode baseConfig = (ObjectNode) JSON.readTree(MergeFixtures.MODEL.resolve("config.json").toFile());
        assertThat(config.remove("torch_dtype").asText()).isEqualTo("float32");
        assertThat(config).isEqualTo(baseConfig);
    }

    @Test
    void anEmbeddingAdapterUntiesTheHeadWithPrefixedKeys(@TempDir Path tmp) throws IOException {
        Path adapter = MergeFixtures.writeAdapter(tmp.resolve("a"), MergeFixtures.settings("wte,q", "none"), 8);
        Path out = merge(MergeFixtures.MODEL, tmp.resolve("merged"), adapter, Optional.empty());

        JsonNode config = JSON.readTree(out.resolve("config.json").toFile());
        assertThat(config.get("tie_word_embeddings").asBoolean(true)).isFalse();
        Map<String, Tensor> tensors = MergeFixtures.tensors(out);
        assertThat(tensors.keySet()).allMatch(k -> k.startsWith("transformer.") || k.equals("lm_head.weight"));
        assertThat(tensors).hasSize(MergeFixtures.baseTensors().size() + 1);
        assertThat(tensors.get("lm_head.weight").data()).isEqualTo(MergeFixtures.baseTensors().get("transformer.wte.weight").data());
        assertThat(tensors.get("transformer.wte.weight").data()).isNotEqualTo(tensors.get("lm_head.weight").data());
    }

    @Test
    void aPytorchBinBaseKeepsItsPrefixedNamesAndDropsItsBuffersAndTiedHead(@TempDir Path tmp) throws IOException {
        Path model = Files.createDirectories(tmp.resolve("bin-model"));
        Files.copy(MergeFixtures.MODEL.resolve("config.json"), model.resolve("config.json"));
        Files.copy(MergeFixtures.MODEL.resolve("pytorch_model.bin"), model.resolve("pytorch_model.bin"));
        Path adapter = MergeFixtures.writeAdapter(tmp.resolve("a"), MergeFixtures.settings("v", "none"), 9);
        Path out = merge(model, tmp.resolve("merged"), adapter, Optional.empty());

        Set<String> keys = new TreeSet<>(MergeFixtures.tensors(out).keySet());
        assertThat(keys).isEqualTo(new TreeSet<>(MergeFixtures.baseTensors().keySet()));
        assertThat(Files.exists(out.resolve("pytorch_model.bin"))).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"f16, F16, float16", "bf16, BF16, bfloat16"})
    void dtypeConvertsEveryTensorFromTheFloat32Merge(String flag, DType type, String torchName, @TempDir Path tmp) throws IOException {
        Path adapter = MergeFixtures.writeAdapter(tmp.resolve("a"), MergeFixtures.settings("q,v,wte", "none"), 10);
        Path f32 = merge(MergeFixtures.MODEL, tmp.resolve("f32"), adapter, Optional.empty());
        Path half = merge(MergeFixtures.MODEL, tmp.resolve(flag), adapter, Optional.of(type));

        assertThat(JSON.readTree(half.resolve("config.json").toFile()).get("torch_dtype").asText()).isEqualTo(torchName);
        Map<String, Tensor> want = MergeFixtures.tensors(f32);
        Map<String, Tensor> got = MergeFixtures.tensors(half);
        assertThat(got.keySet()).isEqualTo(want.keySet());
        got.forEach((name, t) -> {
            assertThat(t.dtype()).as(name).isEqualTo(type);
            float[] w = want.get(name).data();
            for (int i = 0; i < w.length; i++) {
                float rounded = type == DType.F16 ? HalfFloats.f16ToFloat(HalfFloats.floatToF16(w[i]))
                        : HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(w[i]));
                if (t.data()[i] != rounded) assertThat(t.data()[i]).as("%s[%d]", name, i).isEqualTo(rounded);
            }
        });
    }

    @Test
    void tokenizerFilesAreCopiedAndNothingElse(@TempDir Path tmp) throws IOException {
        Path model = Files.createDirectories(tmp.resolve("model"));
        for (String f : List.of("config.json", "model.safetensors")) Files.copy(MergeFixtures.MODEL.resolve(f), model.resolve(f));
        Files.writeString(model.resolve("vocab.json"), "{\"a\": 0}");
        Files.writeString(model.resolve("merges.txt"), "#version: 0.2\n");
        Files.writeString(model.resolve("tokenizer_config.json"), "{}");
        Files.writeString(model.resolve("README.md"), "not part of the model");
        Files.writeString(model.resolve("tf_model.h5"), "weights in another framework");
        Path adapter = MergeFixtures.writeAdapter(tmp.resolve("a"), MergeFixtures.settings("q", "none"), 12);
        Path out = merge(model, tmp.resolve("merged"), adapter, Optional.empty());

        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("config.json", "model.safetensors", "vocab.json", "merges.txt", "tokenizer_config.json");
        }
        assertThat(Files.readString(out.resolve("merges.txt"))).isEqualTo("#version: 0.2\n");
    }
}
