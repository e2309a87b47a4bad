package dev.lora.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks what lora bench reports, never how fast: timings on a shared CI machine mean nothing. */
class BenchCommandTest {

    @Test
    void tinyPresetPrintsOneJsonObjectWithTheThroughputFields() throws Exception {
        CliRun run = CliRun.lora("bench", "--preset", "tiny", "--batch", "2", "--seq", "16", "--steps", "2", "--warmup", "1",
                "--threads", "1");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out().strip().lines()).hasSize(1);
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("preset").asText()).isEqualTo("tiny");
        assertThat(json.get("n_layer").asInt()).isEqualTo(2);
        assertThat(json.get("n_embd").asInt()).isEqualTo(32);
        assertThat(json.get("n_head").asInt()).isEqualTo(4);
        assertThat(json.get("vocab_size").asInt()).isEqualTo(50257);
        assertThat(json.get("batch").asInt()).isEqualTo(2);
        assertThat(json.get("seq").asInt()).isEqualTo(16);
        assertThat(json.get("steps").asInt()).isEqualTo(2);
        // Completion = second half: positions 7..14 of each 16-token row predict tokens 8..15.
        assertThat(json.get("loss_tokens").asInt()).isEqualTo(16);
        assertThat(json.get("threads").asInt()).isEqualTo(1);
        assertThat(json.get("nd4j_threads").asInt()).isEqualTo(1);
        // q and v of 2 layers: A [8, 32] and B [64, 4] each.
        assertThat(json.get("trainable_params").asLong()).isEqualTo(2 * (8 * 32 + 64 * 4));
        assertThat(json.get("train_tokens_per_s").asDouble()).isPositive();
        assertThat(json.get("ms_per_step").asDouble()).isPositive();
        assertThat(json.get("peak_rss_mb").asDouble()).isPositive();
        assertThat(json.get("matmul_gflops").asDouble()).isPositive();
        // Random init: the loss is near ln(50257) = 10.8.
        assertThat(json.get("loss").asDouble()).isBetween(9.0, 12.0);
        // Decoding is only timed with --generate (three 64-token beam searches: too slow for a unit test).
        assertThat(json.get("gen_tokens_per_s").isNull()).isTrue();
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThat(CliRun.lora("bench", "--preset", "gpt3").status()).isEqualTo(Main.EXIT_INPUT);
        assertThat(CliRun.lora("bench", "--preset", "tiny", "--targets", "q,x").err()).contains("unknown target 'x'");
        assertThat(CliRun.lora("bench", "--preset", "tiny", "--seq", "2048").err()).contains("1024 positions");
        assertThat(CliRun.lora("bench", "--preset", "tiny", "--dtype", "float16").status()).isEqualTo(Main.EXIT_INPUT);
    }
}
