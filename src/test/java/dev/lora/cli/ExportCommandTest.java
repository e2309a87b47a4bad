package dev.lora.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lora.io.Safetensors;
import dev.lora.io.Tensor;
import dev.lora.adapter.AdapterFiles;
import dev.lora.adapter.merge.MergeFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** `lora export` on the command line: to PEFT and back, from a microsoft/LoRA checkpoint, and its refusals. */
class ExportCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;

    @Test
    void exportsToPeftAndBack() throws IOException {
        Path a = MergeFixtures.writeAdapter(tmp.resolve("a"), MergeFixtures.settings("q,v", "none"), 41);
        Path peft = tmp.resolve("peft"), back = tmp.resolve("back");
        MergeFixtures.Run run = MergeFixtures.lora("export", "--adapter", a.toString(), "--format", "peft", "--out", peft.toString());
        assertThat(run.status()).as(run.err()).isZero();
        JsonNode cfg = JSON.readTree(peft.resolve("adapter_config.json").toFile());
        assertThat(cfg.get("r").asInt()).isEqualTo(8);
        assertThat(cfg.get("lora_alpha").asInt()).isEqualTo(16);
        assertThat(cfg.get("target_modules").get(0).asText()).isEqualTo("attn.c_attn");
        // The summary reports what was written (a q/v adapter of rank 4 is rank 8 in PEFT), then where it came from.
        assertThat(run.err()).contains("r 8, lora_alpha 16 (from r 4");

        assertThat(MergeFixtures.lora("export", "--adapter", peft.toString(), "--format", "loralib", "--out", back.toString()).status()).isZero();
        Map<String, Tensor> original = Safetensors.read(a.resolve("adapter_model.safetensors"));
        Map<String, Tensor> again = Safetensors.read(back.resolve("adapter_model.safetensors"));
        assertThat(again.keySet()).isEqualTo(original.keySet());
        original.forEach((name, t) -> assertThat(again.get(name).data()).as(name).isEqualTo(t.data()));
        assertThat(AdapterFiles.read(back).settings().targets()).isEqualTo(AdapterFiles.read(a).settings().targets());
    }

    @Test
    void exportsAMicrosoftCheckpointWithItsAlpha() throws IOException {
        Path peft = tmp.resolve("peft");
        MergeFixtures.Run run = MergeFixtures.lora("export", "--adapter", MergeFixtures.MERGE.resolve("ms-lora-e2e.pt").toString(),
                "--format", "peft", "--lora-alpha", "8", "--base-model", "gpt2-medium", "--out", peft.toString());
        assertThat(run.status()).as(run.err()).isZero();
        JsonNode cfg = JSON.readTree(peft.resolve("adapter_config.json").toFile());
        // q and v slices of rank 4 -> PEFT rank 8 with alpha 2 x 8, the same scaling 2.
        assertThat(cfg.get("r").asInt()).isEqualTo(8);
        assertThat(cfg.get("lora_alpha").asInt()).isEqualTo(16);
        assertThat(cfg.get("base_model_name_or_path").asText()).isEqualTo("gpt2-medium");
        assertThat(Safetensors.read(peft.resolve("adapter_model.safetensors")))
                .containsOnlyKeys("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight",
                        "base_model.model.transformer.h.0.attn.c_attn.lora_B.weight",
                        "base_model.model.transformer.h.1.attn.c_attn.lora_A.weight",
                        "base_model.model.transformer.h.1.attn.c_attn.lora_B.weight");
    }

    @Test
    void refusesAnExistingOutputAndAnUnknownFormat() throws IOException {
        Path a = MergeFixtures.writeAdapter(tmp.resolve("a"), MergeFixtures.settings("q", "none"), 42);
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("keep.txt"), "x");
        MergeFixtures.Run refused = MergeFixtures.lora("export", "--adapter", a.toString(), "--format", "peft", "--out", out.toString());
        assertThat(refused.status()).isEqualTo(Main.EXIT_INPUT);
        assertThat(refused.err()).contains("--force");
        assertThat(MergeFixtures.lora("export", "--adapter", a.toString(), "--format", "peft", "--out", out.toString(), "--force")
                .status()).isZero();
        assertThat(Files.exists(out.resolve("keep.txt"))).isFalse();

        MergeFixtures.Run badFormat = MergeFixtures.lora("export", "--adapter", a.toString(), "--format", "onnx", "--out",
                tmp.resolve("y").toString());
        assertThat(badFormat.status()).isEqualTo(Main.EXIT_INPUT);
        assertThat(badFormat.err()).contains("--format must be peft or loralib");
    }
}
