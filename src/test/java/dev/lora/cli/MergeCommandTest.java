package dev.lora.cli;

import dev.lora.config.LoraBias;
import dev.lora.config.LoraSettings;
import dev.lora.io.DType;
import dev.lora.io.Safetensors;
import dev.lora.io.Tensor;
import dev.lora.adapter.merge.MergeFixtures;
import dev.lora.model.Gpt2Config;
import dev.lora.model.Gpt2Weights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `lora merge` on the command line: adapters that do not fit the base and unknown formats exit 2 with one
 * line naming the tensor or file; an existing output is kept unless --force; ADAPTER:WEIGHT parsing.
 */
class MergeCommandTest {
    @TempDir
    Path tmp;

    private MergeFixtures.Run merge(String... extra) {
        List<String> args = new ArrayList<>(List.of("merge", "--model", MergeFixtures.MODEL.toString()));
        args.addAll(List.of(extra));
        return MergeFixtures.lora(args.toArray(String[]::new));
    }

    private Path adapter(String name, String targets, String bias) {
        return MergeFixtures.writeAdapter(tmp.resolve(name), MergeFixtures.settings(targets, bias), 31);
    }

    /** Rewrites an adapter's safetensors with {@code edit} applied to its tensors. */
    private static void editTensors(Path adapter, java.util.function.Consumer<Map<String, Tensor>> edit) {
        Path file = adapter.resolve("adapter_model.safetensors");
        Map<String, Tensor> tensors = new LinkedHashMap<>(Safetensors.read(file));
        edit.accept(tensors);
        Safetensors.write(file, tensors, Map.of("format", "pt"), DType.F32);
    }

    /** merge of {@code adapter} into tmp/out, refused with a message naming {@code mentions}. */
    private void assertMergeRefused(String adapter, String... mentions) {
        assertRefused(merge("--adapter", adapter, "--out", tmp.resolve("out").toString()), mentions);
    }

    /** Adds (or replaces) a float32 tensor of zeros in the adapter's weights. */
    private static void addZeros(Path adapter, String name, long... shape) {
        editTensors(adapter, t -> t.put(name, zeros(name, shape)));
    }

    /** A float32 tensor of zeros. */
    private static Tensor zeros(String name, long... shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return new Tensor(name, DType.F32, shape, new float[(int) n]);
    }

    private void assertRefused(MergeFixtures.Run run, String... mentions) {
        assertThat(run.status()).as(run.err()).isEqualTo(Main.EXIT_INPUT);
        String last = run.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertThat(last).startsWith("lora: ").contains(mentions);
        assertThat(Files.exists(tmp.resolve("out"))).isFalse();
    }

    @Test
    void missingTensorIsNamed() {
        Path a = adapter("a", "q,v", "none");
        editTensors(a, t -> t.remove("transformer.h.1.attn.c_attn.lora_B"));
        assertMergeRefused(a.toString(), "missing tensor 'transformer.h.1.attn.c_attn.lora_B'");
    }

    @Test
    void extraTensorIsNamed() {
        Path a = adapter("a", "q,v", "none");
        addZeros(a, "transformer.h.0.mlp.c_fc.lora_A", 4, 32);
        assertMergeRefused(a.toString(), "unexpected tensor 'transformer.h.0.mlp.c_fc.lora_A'");
    }

    @Test
    void wrongShapeIsNamed() {
        Path a = adapter("a", "q,v,mlp_proj", "none");
        addZeros(a, "transformer.h.0.mlp.c_proj.lora_A", 4, 64);
        assertMergeRefused(a.toString(), "tensor 'transformer.h.0.mlp.c_proj.lora_A' has shape [4, 64], expected [4, 128]");
    }

    @Test
    void biasOfAnUntrainedLayerIsUnexpected() {
        Path a = adapter("a", "q,v", "lora_only");
        addZeros(a, "transformer.h.0.mlp.c_fc.bias", 128);
        assertMergeRefused(a.toString(), "unexpected tensor 'transformer.h.0.mlp.c_fc.bias'");
    }

    @Test
    void adapterOfAnotherGeometryIsRefusedNamingTheTensor() {
        Gpt2Config other = new Gpt2Config(50257, 64, 16, 2, 4, 1e-5, "gelu_new", true);
        Path a = MergeFixtures.writeAdapter(tmp.resolve("a"), Gpt2Weights.random(other, DataType.FLOAT, 1),
                new LoraSettings(4, 8, 0, MergeFixtures.targets("q,v"), LoraBias.NONE, Optional.empty()), 1);
        assertMergeRefused(a.toString(), "tensor 'transformer.h.0.attn.c_attn.lora_A' has shape [8, 16], expected [8, 32]");
    }

    @Test
    void adapterForMoreLayersIsRefusedNamingTheTensor() {
        Gpt2Config deeper = new Gpt2Config(50257, 64, 32, 3, 4, 1e-5, "gelu_new", true);
        Path a = MergeFixtures.writeAdapter(tmp.resolve("a"), Gpt2Weights.random(deeper, DataType.FLOAT, 1),
                new LoraSettings(4, 8, 0, MergeFixtures.targets("v"), LoraBias.NONE, Optional.empty()), 1);
        assertMergeRefused(a.toString(), "unexpected tensor 'transformer.h.2.attn.c_attn.lora_A'");
    }

    @Test
    void peftAdapterWithAForeignTensorIsRefusedNamingIt() throws IOException {
        Path peft = Files.createDirectories(tmp.resolve("peft"));
        Path src = MergeFixtures.MERGE.resolve("peft-mixed");
        Files.copy(src.resolve("adapter_config.json"), peft.resolve("adapter_config.json"));
        Map<String, Tensor> t = new LinkedHashMap<>(Safetensors.read(src.resolve("adapter_model.safetensors")));
        t.put("base_model.model.lm_head.modules_to_save.default.weight", zeros("x", 2));
        Safetensors.write(peft.resolve("adapter_model.safetensors"), t, Map.of("format", "pt"), DType.F32);
        assertMergeRefused(peft.toString(), "unexpected tensor 'base_model.model.lm_head.modules_to_save.default.weight'");
    }

    @Test
    void peftAdapterMissingItsBMatrixIsRefusedNamingIt() throws IOException {
        Path peft = Files.createDirectories(tmp.resolve("peft"));
        Path src = MergeFixtures.MERGE.resolve("peft-mixed");
        Files.copy(src.resolve("adapter_config.json"), peft.resolve("adapter_config.json"));
        Map<String, Tensor> t = new LinkedHashMap<>(Safetensors.read(src.resolve("adapter_model.safetensors")));
        t.remove("base_model.model.transformer.h.1.attn.c_proj.lora_B.weight");
        Safetensors.write(peft.resolve("adapter_model.safetensors"), t, Map.of("format", "pt"), DType.F32);
        assertMergeRefused(peft.toString(), "missing tensor 'base_model.model.transformer.h.1.attn.c_proj.lora_B.weight'");
    }

    @Test
    void unknownFormatsAreRefused() throws IOException {
        Path text = Files.writeString(tmp.resolve("adapter.txt"), "hello");
        assertMergeRefused(text.toString(), "unknown adapter format");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertMergeRefused(empty.toString(), "not an adapter folder");
        Path odd = Files.createDirectories(tmp.resolve("odd"));
        Files.writeString(odd.resolve("adapter_config.json"), "{\"format\": \"lycoris\"}");
        assertMergeRefused(odd.toString(), "unknown adapter format");
        Path notTorch = Files.writeString(tmp.resolve("adapter.pt"), "not a zip");
        assertMergeRefused(notTorch.toString(), "adapter.pt");
        assertMergeRefused(tmp.resolve("nowhere").toString(),
                "no such adapter file or folder");
    }

    @Test
    void existingOutputIsRefusedWithoutForce() throws IOException {
        Path a = adapter("a", "q", "none");
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("keep.txt"), "precious");
        MergeFixtures.Run refused = merge("--adapter", a.toString(), "--out", out.toString());
        assertThat(refused.status()).isEqualTo(Main.EXIT_INPUT);
        assertThat(refused.err()).contains("already exists", "--force");
        assertThat(Files.readString(out.resolve("keep.txt"))).isEqualTo("precious");

        MergeFixtures.Run forced = merge("--adapter", a.toString(), "--out", out.toString(), "--force");
        assertThat(forced.status()).as(forced.err()).isZero();
        assertThat(Files.exists(out.resolve("keep.txt"))).isFalse();
        assertThat(Files.exists(out.resolve("model.safetensors"))).isTrue();
    }

    @Test
    void anEmptyExistingFolderIsUsed() throws IOException {
        Path a = adapter("a", "q", "none");
        Path out = Files.createDirectories(tmp.resolve("out"));
        assertThat(merge("--adapter", a.toString(), "--out", out.toString()).status()).isZero();
        assertThat(Files.exists(out.resolve("config.json"))).isTrue();
    }

    @Test
    void adapterWeightsAndDtypeAreParsed() {
        Path a = adapter("a", "q", "none");
        Path half = tmp.resolve("half"), zero = tmp.resolve("zero");
        assertThat(merge("--adapter", a + ":0.5", "--out", half.toString()).status()).isZero();
        assertThat(merge("--adapter", a + ":0", "--out", zero.toString(), "--dtype", "bf16").status()).isZero();
        Map<String, Tensor> z = MergeFixtures.tensors(zero);
        assertThat(z.get("h.0.attn.c_attn.weight").dtype()).isEqualTo(DType.BF16);
        // Weight 0 changes nothing: the base rounded to bfloat16.
        float[] base = MergeFixtures.baseTensors().get("transformer.h.0.attn.c_attn.weight").data();
        float[] got = z.get("h.0.attn.c_attn.weight").data();
        for (int i = 0; i < base.length; i++) {
            assertThat(got[i]).isEqualTo(dev.lora.io.HalfFloats.bf16ToFloat(dev.lora.io.HalfFloats.floatToBf16(base[i])));
        }
        MergeFixtures.Run bad = merge("--adapter", a.toString(), "--out", tmp.resolve("x").toString(), "--dtype", "int8");
        assertThat(bad.status()).isEqualTo(Main.EXIT_INPUT);
        assertThat(bad.err()).contains("--dtype must be f32, f16 or bf16");
    }
}
