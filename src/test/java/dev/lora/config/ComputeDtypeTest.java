package dev.lora.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The common spellings of the compute type, the same in configs and on every command line. */
class ComputeDtypeTest {
    @Test
    void commonSpellingsAreAccepted() {
        for (String s : new String[]{"float32", "f32", "fp32", "float", "FP32"}) assertThat(ComputeDtype.fromName(s)).as(s).contains(ComputeDtype.FLOAT32);
        for (String s : new String[]{"float64", "f64", "fp64", "double"}) assertThat(ComputeDtype.fromName(s)).as(s).contains(ComputeDtype.FLOAT64);
        for (String s : new String[]{"bfloat16", "bf16", "BF16"}) assertThat(ComputeDtype.fromName(s)).as(s).contains(ComputeDtype.BFLOAT16);
        for (String s : new String[]{"bfloat17", "fp8", "float16", "half"}) assertThat(ComputeDtype.fromName(s)).as(s).isEmpty();
        assertThatThrownBy(() -> ComputeDtype.parse("--dtype", "half")).hasMessageContaining("--dtype must be float32, float64 or bfloat16");
    }

    @Test
    void aConfigMaySpellItTheSameWays(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path cfg = Files.writeString(tmp.resolve("run.yaml"), "model: gpt2\noutput: " + tmp.resolve("out") + "\ndata:\n  train: "
                + tmp.resolve("t.txt") + "\ntrain:\n  dtype: fp64\n");
        assertThat(ConfigLoader.load(cfg, java.util.List.of()).train().dtype()).isEqualTo(ComputeDtype.FLOAT64);
    }
}
