package dev.lora.adapter.formats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lora.config.LoraSettings;
import dev.lora.config.LoraTarget;
import dev.lora.io.Safetensors;
import dev.lora.io.Tensor;
import dev.lora.adapter.AdapterFiles;
import dev.lora.adapter.merge.MergeFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * This tool's adapters exported to PEFT: read back bit-exactly (the c_attn block structure is detected), and
 * PEFT's own reading of the files - per module (B A)^T * lora_alpha / r with rank_pattern / alpha_pattern
 * matched as PEFT does, computed here from the exported tensors - gives the loralib update of the original
 * adapter (per q/k/v slice), to float64 rounding.
 */
class PeftRoundTripTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}, bias {1}")
    @CsvSource(delimiter = ';', value = {"q,v; none", "q; none", "k,v; none", "q,k,v; none", "mlp_proj; none", "wte; none",
            "q,v,attn_proj,mlp_fc,mlp_proj,wte; all", "k,attn_proj; lora_only"})
    void exportThenImportIsBitExact(String targets, String bias, @TempDir Path tmp) {
        Path adapter = MergeFixtures.writeAdapter(tmp.resolve("a"), MergeFixtures.settings(targets, bias), 21);
        AdapterFiles.Adapter original = AdapterFiles.read(adapter);
        Path peft = tmp.resolve("peft");
        AdapterFormat.PEFT.write(original, peft);

        assertThat(AdapterFormat.detect(peft)).isEqualTo(AdapterFormat.PEFT);
        AdapterFiles.Adapter back = AdapterReader.read(peft);
        LoraSettings s = original.settings(), t = back.settings();
        assertThat(t.r()).isEqualTo(s.r());
        assertThat(t.alpha()).isEqualTo(s.alpha());
        assertThat(t.dropout()).isEqualTo(s.dropout());
        assertThat(t.targets()).isEqualTo(s.targets());
        assertThat(t.bias()).isEqualTo(s.bias());
        assertThat(back.baseModel()).isEqualTo("tiny-gpt2");
        assertThat(back.tensors().keySet()).containsExactlyInAnyOrderElementsOf(original.tensors().keySet());
        original.tensors().forEach((name, value) -> {
            INDArray other = back.tensors().get(name);
            assertThat(other.shape()).as(name).isEqualTo(value.shape());
            assertThat(bits(other)).as(name).isEqualTo(bits(value));
        });

        // And on to this tool's format again: the same files' content.
        Path loralib = tmp.resolve("loralib");
        AdapterFormat.LORALIB.write(back, loralib);
        AdapterFiles.Adapter again = AdapterFiles.read(loralib);
        assertThat(again.settings().targets()).isEqualTo(s.targets());
        original.tensors().forEach((name, value) -> assertThat(bits(again.tensors().get(name))).as(name).isEqualTo(bits(value)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {"q,v", "q,k,v,attn_proj,mlp_fc,mlp_proj,wte", "v,mlp_fc"})
    void peftsUpdateIsTheLoralibUpdate(String targets, @TempDir Path tmp) throws IOException {
        Path adapter = MergeFixtures.writeAdapter(tmp.resolve("a"), MergeFixtures.settings(targets, "none"), 22);
        AdapterFiles.Adapter original = AdapterFiles.read(adapter);
        Path peft = tmp.resolve("peft");
        AdapterFormat.PEFT.write(original, peft);

        JsonNode cfg = JSON.readTree(peft.resolve("adapter_config.json").toFile());
        Map<String, Tensor> files = Safetensors.read(peft.resolve("adapter_model.safetensors"));
        Map<String, double[]> peftUpdates = new HashMap<>();
        for (String key : files.keySet()) {
            boolean embedding = key.endsWith(".lora_embedding_A");
            if (!key.endsWith(".lora_A.weight") && !embedding) continue;
            String module = key.substring("base_model.model.".length(), key.lastIndexOf(embedding ? ".lora_embedding_A" : ".lora_A"));
            Tensor a = files.get(key), b = files.get(key.replace("_A", "_B"));
            int r = (int) a.shape()[0];
            assertThat(r).as("rank of %s", module).isEqualTo(pattern(cfg, "rank_pattern", module, cfg.get("r")).asInt());
            double scaling = pattern(cfg, "alpha_pattern", module, cfg.get("lora_alpha")).asDouble() / r;
            // get_delta_weight: transpose(B @ A, fan_in_fan_out=True) * scaling, [in, out]
            int in = (int) a.shape()[1], out = (int) b.shape()[0];
            double[] d = new double[in * out];
            for (int i = 0; i < in; i++) {
                for (int o = 0; o < out; o++) {
                    double sum = 0;
                    for (int k = 0; k < r; k++) sum += (double) b.data()[o * r + k] * a.data()[k * in + i];
                    d[i * out + o] = sum * scaling;
                }
            }
            peftUpdates.put(module, d);
        }

        Map<String, double[]> loralib = loralibUpdates(original);
        assertThat(peftUpdates.keySet()).containsExactlyInAnyOrderElementsOf(loralib.keySet());
        double worst = 0, scale = 0;
        for (Map.Entry<String, double[]> e : loralib.entrySet()) {
            double[] want = e.getValue(), got = peftUpdates.get(e.getKey());
            assertThat(got).as(e.getKey()).hasSameSizeAs(want);
            for (int i = 0; i < want.length; i++) {
                worst = Math.max(worst, Math.abs(got[i] - want[i]));
                scale = Math.max(scale, Math.abs(want[i]));
            }
        }
        assertThat(scale).isGreaterThan(0.1);
        assertThat(worst / scale).isLessThanOrEqualTo(1e-14);
    }

    @Test
    void peftConfigFollowsPeftConventions(@TempDir Path tmp) throws IOException {
        Path adapter = MergeFixtures.writeAdapter(tmp.resolve("a"), MergeFixtures.settings("q,v,attn_proj,mlp_proj,wte", "lora_only"), 23);
        Path peft = tmp.resolve("peft");
        AdapterFormat.PEFT.write(AdapterFiles.read(adapter), peft);

        JsonNode cfg = JSON.readTree(peft.resolve("adapter_config.json").toFile());
        assertThat(cfg.get("peft_type").asText()).isEqualTo("LORA");
        assertThat(cfg.get("task_type").asText()).isEqualTo("CAUSAL_LM");
        assertThat(cfg.get("base_model_name_or_path").asText()).isEqualTo("tiny-gpt2");
        assertThat(cfg.get("fan_in_fan_out").asBoolean()).isTrue();
        assertThat(cfg.get("inference_mode").asBoolean()).isTrue();
        assertThat(cfg.get("bias").asText()).isEqualTo("lora_only");
        assertThat(cfg.get("r").asInt()).isEqualTo(4);
        assertThat(cfg.get("lora_alpha").asDouble()).isEqualTo(8);
        assertThat(cfg.get("lora_dropout").asDouble()).isEqualTo(0);
        assertThat(JSON.convertValue(cfg.get("target_modules"), List.class))
                .containsExactly("attn.c_attn", "attn.c_proj", "mlp.c_proj", "wte");
        assertThat(cfg.get("rank_pattern").get("attn.c_attn").asInt()).isEqualTo(8);
        assertThat(cfg.get("alpha_pattern").get("attn.c_attn").asDouble()).isEqualTo(16);

        Map<String, Tensor> files = Safetensors.read(peft.resolve("adapter_model.safetensors"));
        String p = "base_model.model.transformer.";
        assertThat(files.get(p + "h.0.attn.c_attn.lora_A.weight").shape()).containsExactly(8, 32);
        assertThat(files.get(p + "h.0.attn.c_attn.lora_B.weight").shape()).containsExactly(96, 8);
        assertThat(files.get(p + "h.1.mlp.c_proj.lora_A.weight").shape()).containsExactly(4, 128);
        assertThat(files.get(p + "h.1.mlp.c_proj.lora_B.weight").shape()).containsExactly(32, 4);
        assertThat(files.get(p + "wte.lora_embedding_A").shape()).containsExactly(4, 50257);
        assertThat(files.get(p + "wte.lora_embedding_B").shape()).containsExactly(32, 4);
        assertThat(files).containsKey(p + "h.0.attn.c_attn.base_layer.bias").containsKey(p + "h.0.mlp.c_proj.base_layer.bias")
                .doesNotContainKey(p + "h.0.mlp.c_fc.base_layer.bias");
        // The key slice of the block-structured B is zero: q uses columns 0-3, v columns 4-7.
        float[] b = files.get(p + "h.0.attn.c_attn.lora_B.weight").data();
        for (int row = 32; row < 64; row++) for (int c = 0; c < 8; c++) assertThat(b[row * 8 + c]).isZero();
        assertThat(Safetensors.readHeader(peft.resolve("adapter_model.safetensors")).metadata()).containsEntry("format", "pt");
    }

    /** PEFT's get_pattern_key: the first key K with re.match(rf"(.*\.)?({K})$", module), else the default. */
    private static JsonNode pattern(JsonNode cfg, String field, String module, JsonNode fallback) {
        for (Iterator<Map.Entry<String, JsonNode>> it = cfg.path(field).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (Pattern.compile("(.*\\.)?(" + e.getKey() + ")").matcher(module).matches()) return e.getValue();
        }
        return fallback;
    }

    /** scaling * (B_g A_g)^T per enabled slice of c_attn (zero elsewhere), scaling * (B A)^T for the others, [in, out]. */
    private static Map<String, double[]> loralibUpdates(AdapterFiles.Adapter a) {
        int r = a.settings().r();
        double scaling = a.settings().scaling();
        List<LoraTarget> targets = a.settings().targets();
        Map<String, INDArray> t = a.tensors();
        Map<String, double[]> out = new HashMap<>();
        int[] slices = java.util.stream.IntStream.range(0, 3)
                .filter(g -> targets.contains(new LoraTarget[]{LoraTarget.Q, LoraTarget.K, LoraTarget.V}[g])).toArray();
        for (String name : t.keySet()) {
            if (!name.endsWith(".lora_A")) continue;
            String module = name.substring(0, name.length() - ".lora_A".length());
            float[] av = floats(t.get(name)), bv = floats(t.get(module + ".lora_B"));
            long[] as = t.get(name).shape(), bs = t.get(module + ".lora_B").shape();
            if (module.endsWith("c_attn")) {
                int c = (int) as[1];
                double[] d = new double[c * 3 * c];
                for (int j = 0; j < slices.length; j++) {
                    for (int i = 0; i < c; i++) {
                        for (int o = 0; o < c; o++) {
                            double sum = 0;
                            for (int k = 0; k < r; k++) sum += (double) bv[(j * c + o) * r + k] * av[(j * r + k) * c + i];
                            d[i * 3 * c + slices[j] * c + o] = sum * scaling;
                        }
                    }
                }
                out.put(module, d);
            } else {
                int in = (int) as[1], o2 = (int) bs[0];
                double[] d = new double[in * o2];
                for (int i = 0; i < in; i++) {
                    for (int o = 0; o < o2; o++) {
                        double sum = 0;
                        for (int k = 0; k < r; k++) sum += (double) bv[o * r + k] * av[k * in + i];
                        d[i * o2 + o] = sum * scaling;
                    }
                }
                out.put(module, d);
            }
        }
        return out;
    }

    private static float[] floats(INDArray a) {
        return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    private static int[] bits(INDArray a) {
        float[] f = floats(a);
        int[] out = new int[f.length];
        for (int i = 0; i < f.length; i++) out[i] = Float.floatToRawIntBits(f[i]);
        return out;
    }

}
