package dev.lora.adapter.merge;

import dev.lora.cli.Main;
import dev.lora.io.Safetensors;
import dev.lora.io.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `lora merge` of adapters written by other tools' conventions (scripts/reference/make_merge_fixtures.py) gives
 * the weights PyTorch computes from them: a microsoft/LoRA checkpoint merged as loralib's MergedLinear.merge
 * does, and a PEFT folder (dense c_attn B, rank_pattern / alpha_pattern) as PEFT's get_delta_weight does.
 * PyTorch sums in float32, we in float64: merged values agree to 2 float32 ulps of the weight's scale.
 * Every tensor the adapter does not touch stays bit-identical.
 */
class ForeignAdapterMergeTest {

    @ParameterizedTest(name = "alpha {0} {1}")
    @CsvSource({"32, default", "8, --lora-alpha", "8, adapter_config.json beside"})
    void microsoftCheckpointMergesAsLoralib(int alpha, String how, @TempDir Path tmp) throws IOException {
        Path checkpoint = MergeFixtures.MERGE.resolve("ms-lora-e2e.pt");
        List<String> args = new ArrayList<>(List.of("merge", "--model", MergeFixtures.MODEL.toString(), "--out", tmp.resolve("out").toString()));
        if (how.equals("--lora-alpha")) args.addAll(List.of("--lora-alpha", String.valueOf(alpha)));
        if (how.startsWith("adapter_config")) {
            Path copy = Files.createDirectories(tmp.resolve("ckpt")).resolve("model.26290.pt");
            Files.copy(checkpoint, copy);
            Files.writeString(copy.resolveSibling("adapter_config.json"), "{\"lora_alpha\": " + alpha + "}");
            checkpoint = copy;
        }
        args.addAll(List.of("--adapter", checkpoint.toString()));
        assertThat(Main.run(args.toArray(String[]::new))).isZero();

        Map<String, Tensor> expected = Safetensors.read(MergeFixtures.MERGE.resolve("ms-lora-e2e-expected.safetensors"));
        Map<String, Tensor> want = new java.util.HashMap<>();
        expected.forEach((k, v) -> {
            if (k.startsWith("alpha" + alpha + ".")) want.put(k.substring(k.indexOf('.') + 1), v);
        });
        assertThat(want).hasSize(2);
        assertMerged(tmp.resolve("out"), want);
    }

    @Test
    void peftFolderMergesAsPeft(@TempDir Path tmp) {
        assertThat(Main.run("merge", "--model", MergeFixtures.MODEL.toString(), "--adapter", MergeFixtures.MERGE.resolve("peft-mixed").toString(),
                "--out", tmp.resolve("out").toString())).isZero();
        Map<String, Tensor> want = Safetensors.read(MergeFixtures.MERGE.resolve("peft-mixed-expected.safetensors"));
        assertThat(want).hasSize(6);
        assertMerged(tmp.resolve("out"), want);
    }

    /** The merged folder has {@code want} (hub-style names) within 2 ulps of each tensor's scale, and the base elsewhere. */
    private static void assertMerged(Path out, Map<String, Tensor> want) {
        Map<String, Tensor> got = MergeFixtures.tensors(out);
        Map<String, Tensor> base = MergeFixtures.baseTensors();
        for (Map.Entry<String, Tensor> e : base.entrySet()) {
            String name = e.getKey().substring("transformer.".length());
            float[] values = got.get(name).data();
            Tensor expected = want.get(name);
            if (expected == null) {
                assertThat(values).as("%s untouched", name).isEqualTo(e.getValue().data());
                continue;
            }
            float scale = 0;
            for (float v : expected.data()) scale = Math.max(scale, Math.abs(v));
            double worst = 0;
            for (int i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(values[i] - expected.data()[i]));
            System.out.printf("%s: max |merged - PyTorch| = %.3g (%.2f ulp of %.3g)%n", name, worst, worst / Math.ulp(scale), scale);
            assertThat(worst).as(name).isLessThanOrEqualTo(2 * Math.ulp(scale));
            assertThat(values).as("%s changed", name).isNotEqualTo(e.getValue().data());
        }
    }
}
