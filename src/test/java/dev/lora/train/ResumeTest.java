package dev.lora.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lora.cli.Main;
import dev.lora.io.DType;
import dev.lora.io.Safetensors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run stopped after step k and resumed in a new JVM ends with the same adapter bytes and the same
 * per-step metrics (all but the timing) as an uninterrupted run, with dropout and shuffling on; in float32 and in
 * bfloat16 (whose products run by oneDNN where the CPU has them, built anew by the second JVM).
 */
class ResumeTest {
    private static final String LORA = "r: 4\nalpha: 8\ndropout: 0.1\ntargets: [q, v, mlp_fc]\nbias: lora_only\n";
    private static final String TRAIN = "batch_size: 3\ngrad_accum: 2\nepochs: 3\nlr: 0.01\nwarmup_steps: 2\n"
            + "shuffle: true\nseed: 7\nlabel_smoothing: 0.1\nclip_norm: 1.0\nsave_every: 2\nsave_total_limit: 2\n";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"float32", "bfloat16"})
    void resumedRunEqualsUninterruptedRun(String dtype, @TempDir Path tmp) throws Exception {
        Path data = TrainFixtures.PARITY.resolve("data.jsonl");
        Path whole = tmp.resolve("whole"), split = tmp.resolve("split");
        Files.createDirectories(whole);
        Files.createDirectories(split);
        String train = TRAIN + "dtype: " + dtype + "\n";
        Path wholeCfg = TrainFixtures.config(whole, whole.resolve("out"), data, LORA, train);
        Path splitCfg = TrainFixtures.config(split, split.resolve("out"), data, LORA, train);

        assertThat(Main.run("train", wholeCfg.toString())).isZero();

        assertThat(runInNewJvm("train", splitCfg.toString(), "--stop-after", "3")).isZero();
        assertThat(TrainFixtures.metrics(split.resolve("out"))).hasSize(3);
        assertThat(runInNewJvm("train", splitCfg.toString(), "--resume")).isZero();

        Path wholeOut = whole.resolve("out"), splitOut = split.resolve("out");
        assertThat(Files.readAllBytes(splitOut.resolve("adapter/adapter_model.safetensors")))
                .isEqualTo(Files.readAllBytes(wholeOut.resolve("adapter/adapter_model.safetensors")));
        assertThat(withoutTiming(TrainFixtures.metrics(splitOut))).isEqualTo(withoutTiming(TrainFixtures.metrics(wholeOut)));
        assertThat(TrainFixtures.metrics(wholeOut)).hasSize(6); // 10 examples / 3 = 4 batches = 2 steps, 3 epochs
        // save_total_limit 2: only the two newest checkpoints remain.
        try (var s = Files.list(splitOut.resolve("checkpoints"))) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("step-4", "step-6");
        }
        // Whatever the run's dtype, the adapter is written in float32 and merges and exports as any other.
        Path adapter = splitOut.resolve("adapter");
        assertThat(Safetensors.read(adapter.resolve("adapter_model.safetensors")).values()).allSatisfy(t -> assertThat(t.dtype()).isEqualTo(DType.F32));
        assertThat(Main.run("merge", "--model", TrainFixtures.MODEL.toString(), "--adapter", adapter.toString(),
                "--out", tmp.resolve("merged").toString())).isZero();
        assertThat(Main.run("export", "--adapter", adapter.toString(), "--format", "peft", "--out", tmp.resolve("peft").toString())).isZero();
    }

    private static List<String> withoutTiming(List<JsonNode> rows) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : rows) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) r).remove("tokens_per_s");
            out.add(r.toString());
        }
        return out;
    }

    /** Runs the CLI in a fresh JVM with this test's class path, as a user's second invocation would. */
    static int runInNewJvm(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.lora.cli.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return p.exitValue();
    }
}
