package dev.lora.train;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ctrl-C (SIGINT) and SIGTERM save a verified checkpoint after the current step, remove the lock and exit 130 and
 * 143 (ResumeTest shows resuming is exact).
 */
class InterruptTest {
    private static final String LORA = "r: 4\nalpha: 8\ndropout: 0.1\ntargets: [q, v]\n";
    private static final String TRAIN = "batch_size: 2\nepochs: 40\nlr: 0.01\nwarmup_steps: 2\nshuffle: true\nseed: 3\n";

    @ParameterizedTest(name = "SIG{0}")
    @CsvSource({"INT, 130", "TERM, 143"})
    void aSignalSavesACheckpointAndExits128PlusItsNumber(String signal, int status, @TempDir Path tmp) throws Exception {
        Path data = TrainFixtures.PARITY.resolve("data.jsonl");
        Path out = tmp.resolve("out");
        Path cfg = TrainFixtures.config(tmp, out, data, LORA, TRAIN);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.lora.cli.Main", "train", cfg.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("log.txt").toFile()).start();
        Path metrics = out.resolve("metrics.jsonl");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!(Files.exists(metrics) && Files.size(metrics) > 0) && System.nanoTime() < deadline && p.isAlive()) {
            Thread.sleep(50);
        }
        assertThat(p.isAlive()).as("still training when interrupted; log:\n%s", Files.readString(tmp.resolve("log.txt"))).isTrue();
        new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("exit status; log:\n%s", Files.readString(tmp.resolve("log.txt"))).isEqualTo(status);

        List<Checkpoint> saved = new CheckpointStore(out.resolve("checkpoints")).list();
        assertThat(saved).hasSize(1);
        saved.get(0).verify();
        long stoppedAt = saved.get(0).step();
        assertThat(TrainFixtures.metrics(out)).hasSize((int) stoppedAt);
        assertThat(stoppedAt).isLessThan(200); // 10 examples / batch 2 = 5 steps per epoch, 40 epochs
        assertThat(out.resolve(".lock")).doesNotExist();
    }
}
