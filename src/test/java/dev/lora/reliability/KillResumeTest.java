package dev.lora.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A training run (tiny model, a checkpoint every step) started as a separate JVM is killed with SIGKILL at
 * seeded random moments (while a checkpoint is being written, after some steps, any time from the start), and
 * resumed with --resume in a new JVM each time until it finishes. Its adapter must be byte for byte that
 * of an uninterrupted run, its metrics the same, every checkpoint left must verify, the lock of a killed
 * run must be taken over and that of a live one respected. Then the newest checkpoint is damaged: --resume
 * must refuse it, naming the newest good one, from which the run resumes to the same adapter again.
 *
 * <p>-Dkill.seed=S picks other moments; -Dkill.count=N kills more often.
 */
class KillResumeTest {
    private static final long SEED = Long.getLong("kill.seed", 20240607L);
    private static final int KILLS = Integer.getInteger("kill.count", 5);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG = """
            model: %s
            output: %s
            data:
              train: %s
              max_seq_len: 64
            lora:
              r: 4
              alpha: 8
              dropout: 0.1
              targets: [q, v, mlp_fc]
              bias: lora_only
            train:
              batch_size: 1
              epochs: 2
              lr: 0.01
              warmup_steps: 2
              shuffle: true
              seed: 3
              label_smoothing: 0.1
              clip_norm: 1.0
              save_every: 1
            """;
    private static final int STEPS = 20; // 10 examples, batch 1, 2 epochs

    private enum Moment { CHECKPOINT_WRITE, AFTER_STEPS, ANY_TIME }

    @Test
    void killedRunResumesToTheUninterruptedAdapter(@TempDir Path tmp) throws Exception {
        Path wholeConfig = config(tmp, "whole"), config = config(tmp, "killed");
        Path wholeOut = tmp.resolve("whole/out"), out = tmp.resolve("killed/out"), checkpoints = out.resolve("checkpoints");
        Path log = tmp.resolve("killed.log");
        assertThat(Cli.run("train", wholeConfig.toString()).status()).isZero();
        byte[] expected = Files.readAllBytes(wholeOut.resolve("adapter/adapter_model.safetensors"));

        Random rng = new Random(SEED);
        List<String> journal = new ArrayList<>();
        boolean lockTried = false;
        List<String> killed = new ArrayList<>();
        for (int k = 0; k < KILLS; k++) {
            Moment when = k % 2 == 0 ? Moment.CHECKPOINT_WRITE : k % 4 == 1 ? Moment.AFTER_STEPS : Moment.ANY_TIME;
            long from = latestStep(checkpoints);
            Object metricsBefore = fileKey(out.resolve("metrics.jsonl"));
            List<String> leftovers = CheckpointAudit.leftovers(checkpoints);
            Process p = Jvm.start(log, args(config, from > 0));
            String what = switch (when) {
                case CHECKPOINT_WRITE -> killDuringCheckpointWrite(p, checkpoints, leftovers, rng.nextInt(6));
                case AFTER_STEPS -> {
                    int n = 1 + rng.nextInt(5);
                    if (!awaitStep(p, out, metricsBefore, from + n)) yield null;
                    if (!lockTried) {
                        // A second run on the same output while this one lives must be refused, naming it.
                        Cli.Result second = Cli.run("train", config.toString(), "--resume");
                        assertThat(second.status()).isEqualTo(2);
                        assertThat(second.errorLines()).singleElement().asString().contains("pid " + p.pid());
                        lockTried = true;
                    }
                    Thread.sleep(rng.nextInt(400));
                    p.destroyForcibly();
                    yield "after step " + (from + n) + " (+ up to 400 ms)";
                }
                case ANY_TIME -> {
                    int ms = rng.nextInt(6000); // start-up (JVM, ND4J, model) takes most of the first seconds
                    Thread.sleep(ms);
                    p.destroyForcibly();
                    yield ms + " ms after the start";
                }
            };
            int status = Jvm.await(p, log, 5);
            if (what == null) {
                journal.add("run " + k + ": finished before the kill, status " + status);
                assertThat(status).as(Jvm.tail(log)).isZero();
                break;
            }
            journal.add("run " + k + " (resumed from step " + from + "): killed " + what + "; metrics reached step "
                    + lastMetricsStep(out) + ", checkpoints " + stepNames(checkpoints) + ", leftovers "
                    + CheckpointAudit.leftovers(checkpoints));
            assertThat(CheckpointAudit.problems(checkpoints)).as("after kill %d", k).isEmpty();
            killed.add(Long.toString(p.pid()));
            Path lock = out.resolve(".lock");
            if (Files.exists(lock)) { // a killed run cannot remove its lock: the next run must take it over
                assertThat(Files.readString(lock).strip()).isIn(killed);
            }
        }
        long from = latestStep(checkpoints);
        int status = Jvm.await(Jvm.start(log, args(config, from > 0)), log, 5);
        journal.add("final run (resumed from step " + from + "): status " + status);
        journal.forEach(System.out::println);
        assertThat(status).as(Jvm.tail(log)).isZero();
        assertThat(lockTried).as("the second-run lock check ran").isTrue();

        assertThat(Files.readAllBytes(out.resolve("adapter/adapter_model.safetensors"))).isEqualTo(expected);
        assertThat(metrics(out)).isEqualTo(metrics(wholeOut));
        assertThat(CheckpointAudit.problems(checkpoints)).isEmpty();
        assertThat(CheckpointAudit.steps(checkpoints)).hasSize(STEPS);
        assertThat(out.resolve(".lock")).doesNotExist();

        resumeAfterDamage(config, checkpoints, out, expected);
    }

    /** Newest checkpoint damaged: --resume names it and the newest good one, which then resumes correctly. */
    private static void resumeAfterDamage(Path config, Path checkpoints, Path out, byte[] expected) throws Exception {
        Path newest = checkpoints.resolve("step-" + STEPS), previous = checkpoints.resolve("step-" + (STEPS - 1));
        Path state = newest.resolve("state.bin");
        byte[] b = Files.readAllBytes(state);
        b[b.length - 7] ^= 0x01;
        Files.write(state, b);
        Cli.Result refused = Cli.run("train", config.toString(), "--resume");
        assertThat(refused.status()).isEqualTo(2);
        assertThat(refused.errorLines()).singleElement().asString()
                .contains(newest.toString(), "state.bin", "newest intact checkpoint is " + previous);
        Cli.Result resumed = Cli.run("train", config.toString(), "--resume", previous.toString());
        assertThat(resumed.status()).as(resumed.err()).isZero();
        assertThat(Files.readAllBytes(out.resolve("adapter/adapter_model.safetensors"))).isEqualTo(expected);
        assertThat(CheckpointAudit.problems(checkpoints)).isEmpty();
    }

    /**
     * Kills when the (skip+1)-th new checkpoint folder is being written (its hidden .step-N.tmp-* sibling
     * exists); null when the run ended first.
     */
    private static String killDuringCheckpointWrite(Process p, Path checkpoints, List<String> before, int skip)
            throws Exception {
        List<String> seen = new ArrayList<>(before); // leftovers of earlier kills are not this run's writes
        int skipped = 0;
        while (p.isAlive()) {
            for (String name : CheckpointAudit.leftovers(checkpoints)) {
                if (!name.contains(".tmp-") || seen.contains(name)) continue;
                seen.add(name);
                if (skipped++ == skip) {
                    p.destroyForcibly();
                    return "while writing " + name.substring(1, name.indexOf(".tmp-"));
                }
            }
            Thread.sleep(0, 200_000);
        }
        return null;
    }

    /**
     * Waits until this run's metrics.jsonl records {@code step}; false when the run ended first. Rows of the
     * killed run before it stay until the new run cuts the file back, which replaces it (a new file key).
     */
    private static boolean awaitStep(Process p, Path out, Object metricsBefore, long step) throws Exception {
        Path metrics = out.resolve("metrics.jsonl");
        while (p.isAlive()) {
            Object key = fileKey(metrics);
            if (key != null && !key.equals(metricsBefore) && lastMetricsStep(out) >= step) return true;
            Thread.sleep(5);
        }
        return false;
    }

    private static Object fileKey(Path file) {
        try {
            return Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        } catch (IOException absent) {
            return null;
        }
    }

    private static List<String> args(Path config, boolean resume) {
        return resume ? List.of("train", config.toString(), "--resume") : List.of("train", config.toString());
    }

    private static Path config(Path tmp, String name) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve("run.yaml"), CONFIG.formatted(Scratch.MODEL, dir.resolve("out"), Scratch.DATA));
    }

    private static long latestStep(Path checkpoints) throws IOException {
        List<Path> steps = CheckpointAudit.steps(checkpoints);
        return steps.isEmpty() ? 0 : CheckpointAudit.step(steps.get(steps.size() - 1));
    }

    private static List<String> stepNames(Path checkpoints) throws IOException {
        return CheckpointAudit.steps(checkpoints).stream().map(s -> s.getFileName().toString()).toList();
    }

    /** The step of the last complete metrics line (a kill may leave half a line). */
    private static long lastMetricsStep(Path out) {
        long last = 0;
        for (JsonNode row : rows(out)) last = Math.max(last, row.path("step").asLong());
        return last;
    }

    private static List<JsonNode> rows(Path out) {
        Path file = out.resolve("metrics.jsonl");
        List<JsonNode> rows = new ArrayList<>();
        if (!Files.exists(file)) return rows;
        try (Stream<String> lines = Files.lines(file)) {
            for (String line : lines.toList()) {
                try {
                    rows.add(JSON.readTree(line));
                } catch (IOException torn) {
                    // the line a kill cut short
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return rows; // being rewritten this very moment: try again on the next poll
        }
        return rows;
    }

    /** Metrics rows as text without the timing, which differs between any two runs. */
    private static List<String> metrics(Path out) {
        List<String> texts = new ArrayList<>();
        for (JsonNode r : rows(out)) {
            ((ObjectNode) r).remove("tokens_per_s");
            texts.add(r.toString());
        }
        return texts;
    }
}
