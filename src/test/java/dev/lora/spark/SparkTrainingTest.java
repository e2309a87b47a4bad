package dev.lora.spark;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lora.config.ConfigLoader;
import dev.lora.train.StepWorkers;
import dev.lora.train.TrainFixtures;
import dev.lora.train.Trainer;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Training on Spark ({@code local[2]}: two executor threads, each with its own replica of the model) equals training
 * in one process: shuffled data, gradient accumulation, an uneven last micro-batch (10 examples in micro-batches of
 * 3, 3, 3, 1), with trained biases (float64) and without (float32), with the validation loss every second step (on
 * the executors under Spark). The only difference is the order of one sum (the tasks' gradients are added on the
 * driver instead of accumulating in one buffer), hence float64 within 1e-12 relative; float32 with LoRA dropout on:
 * see {@link #float32WithDropoutEqualsOneProcess}.
 */
class SparkTrainingTest {
    // Trained biases live in the base weights, so each replica then loads its own; without them the replicas of an
    // executor share one base model. float64 runs train the biases (lora_only), float32 runs do not (none).
    private static final String LORA = "r: 4\nalpha: 8\ndropout: %s\ntargets: [q, v, mlp_fc]\nbias: %s\n";
    private static final String TRAIN = "batch_size: 3\ngrad_accum: 2\nepochs: 2\nlr: 0.01\nwarmup_steps: 1\nshuffle: true\n"
            + "seed: 7\nlabel_smoothing: 0.1\nclip_norm: 1.0\nsave_every: 1\neval_every: 2\ndtype: %s\n";
    private static final int STEPS = 4; // 4 micro-batches per epoch, 2 per step, 2 epochs

    @Test
    void float64WithoutDropoutEqualsOneProcess(@TempDir Path tmp) throws IOException {
        Path one = train(tmp, "one", "float64", "0", StepWorkers.LOCAL, null);
        Path spark = train(tmp, "spark", "float64", "0", SparkTraining.on("local[2]", null, null), null);
        assertSameRun(spark, one, 1e-12);
    }

    /**
     * float32 with LoRA dropout on: per-step losses and gradient norms within 1e-5 relative of one process's (the
     * Spark issue's bound; measured within 1e-9). The adapter is held to the exact run instead: the one-process
     * float64 run with the same masks (they do not depend on the dtype). Each float32 run is its own evaluation of
     * the same sums in other orders, so Spark's must be as close to the exact run as one process's float32 run is,
     * within the factor TrainParityTest allows a float32 run against PyTorch's own float32 error (4), or 1e-6 of the
     * tensor's scale where that error is smaller. Not a 1e-5 bound between the two float32 runs: under OpenBLAS's
     * Haswell kernels one process's float32 run is itself 1.6e-5 of scale from the exact one (tensor 0), and the two
     * float32 runs were 1.25e-5 apart while Spark's was 3.3e-6 from exact.
     */
    @Test
    void float32WithDropoutEqualsOneProcess(@TempDir Path tmp) throws IOException {
        Path one = train(tmp, "one", "float32", "0.1", StepWorkers.LOCAL, null);
        Path spark = train(tmp, "spark", "float32", "0.1", SparkTraining.on("local[2]", null, null), null);
        Path exact = train(tmp, "exact", "float64", "0.1", "none", StepWorkers.LOCAL, null);
        assertSameSteps(spark, one, 1e-5);
        List<INDArray> got = state(spark), ours = state(one), truth = state(exact);
        for (int t = 0; t < truth.size(); t++) {
            INDArray want = truth.get(t);
            double scale = want.amaxNumber().doubleValue();
            double sparkError = got.get(t).castTo(want.dataType()).sub(want).amaxNumber().doubleValue();
            double oneError = ours.get(t).castTo(want.dataType()).sub(want).amaxNumber().doubleValue();
            assertThat(sparkError).as("state tensor %d: max |spark32 - exact| (one process's float32: %s, scale %s)", t, oneError, scale)
                    .isLessThanOrEqualTo(Math.max(4 * oneError, 1e-6 * scale));
        }
    }

    @Test
    void aFailedTaskIsRerunAndChangesNothing(@TempDir Path tmp) throws IOException {
        Path clean = train(tmp, "clean", "float32", "0.1", SparkTraining.on("local[2]", null, null), null);
        Path retried = train(tmp, "retried", "float32", "0.1", SparkTraining.on("local[2]", null, new SparkTraining.FailOnce(2, 1)), null);
        assertThat(Files.readAllBytes(retried.resolve("adapter/adapter_model.safetensors")))
                .isEqualTo(Files.readAllBytes(clean.resolve("adapter/adapter_model.safetensors")));
        assertThat(TrainFixtures.metrics(retried)).hasSize(STEPS);
        // The injected failure is real: with one attempt per task (local[2,1]) the same run fails.
        assertThatThrownBy(() -> train(tmp, "once", "float32", "0.1", SparkTraining.on("local[2,1]", null, new SparkTraining.FailOnce(2, 1)), null))
                .hasRootCauseMessage("failure injected into the first attempt of step 2's task")
                .satisfies(e -> assertThat(e).hasCauseInstanceOf(SparkException.class));
    }

    @Test
    void stoppedAndResumedRunsEqualTheUninterruptedOneWhicheverWayTheyRun(@TempDir Path tmp) throws IOException {
        StepWorkers.Factory spark = SparkTraining.on("local[2]", null, null);
        Path whole = train(tmp, "whole", "float64", "0.1", spark, null);

        Path sparkThenSpark = train(tmp, "ss", "float64", "0.1", spark, 2L);
        assertThat(TrainFixtures.metrics(sparkThenSpark)).hasSize(2);
        train(tmp, "ss", "float64", "0.1", spark, -1L);
        assertThat(Files.readAllBytes(sparkThenSpark.resolve("adapter/adapter_model.safetensors")))
                .isEqualTo(Files.readAllBytes(whole.resolve("adapter/adapter_model.safetensors")));

        // Switching between Spark and one process at a resume changes only the order of one sum.
        Path sparkThenOne = train(tmp, "so", "float64", "0.1", spark, 2L);
        train(tmp, "so", "float64", "0.1", StepWorkers.LOCAL, -1L);
        assertSameRun(sparkThenOne, whole, 1e-12);
        Path oneThenSpark = train(tmp, "os", "float64", "0.1", StepWorkers.LOCAL, 1L);
        train(tmp, "os", "float64", "0.1", spark, -1L);
        assertSameRun(oneThenSpark, whole, 1e-12);
    }

    /**
     * Trains over the parity fixture's 10 examples into tmp/name/out; {@code stopAfter}: null runs to the end, a
     * positive step stops there, -1 resumes from the newest checkpoint.
     */
    private static Path train(Path tmp, String name, String dtype, String dropout, StepWorkers.Factory workers, Long stopAfter)
            throws IOException {
        return train(tmp, name, dtype, dropout, dtype.equals("float64") ? "lora_only" : "none", workers, stopAfter);
    }

    private static Path train(Path tmp, String name, String dtype, String dropout, String bias, StepWorkers.Factory workers,
                              Long stopAfter) throws IOException {
        Path dir = tmp.resolve(name), out = dir.resolve("out");
        Files.createDirectories(dir);
        Path data = TrainFixtures.PARITY.resolve("data.jsonl");
        Path cfg = TrainFixtures.config(dir, out, data, LORA.formatted(dropout, bias), TRAIN.formatted(dtype));
        // Validation every 2 steps (on the executors under Spark), on the training examples: valid_loss is compared too.
        Files.writeString(cfg, Files.readString(cfg).replace("  train: " + data + "\n", "  train: " + data + "\n  valid: " + data + "\n"));
        boolean resume = stopAfter != null && stopAfter < 0;
        OptionalLong stop = resume || stopAfter == null ? OptionalLong.empty() : OptionalLong.of(stopAfter);
        Trainer.Resume from = resume ? new Trainer.Resume.Latest() : new Trainer.Resume.None();
        assertThat(new Trainer(ConfigLoader.load(cfg, List.of()), new Trainer.Options(from, stop, false, false, false, workers)).run()).isZero();
        return out;
    }

    /** Per-step losses and gradient norms, and every value of the last checkpoint's exact state, within {@code rel}. */
    private static void assertSameRun(Path got, Path want, double rel) throws IOException {
        assertSameSteps(got, want, rel);
        List<INDArray> a = state(got), b = state(want);
        assertThat(a).hasSameSizeAs(b);
        for (int t = 0; t < a.size(); t++) {
            double scale = b.get(t).amaxNumber().doubleValue();
            double diff = a.get(t).sub(b.get(t)).amaxNumber().doubleValue();
            assertThat(diff).as("state tensor %d: max |diff| (scale %s)", t, scale).isLessThanOrEqualTo(rel * scale);
        }
    }

    /** Per-step loss and gradient norm, and the validation loss of every second step, within {@code rel}. */
    private static void assertSameSteps(Path got, Path want, double rel) {
        List<JsonNode> g = TrainFixtures.metrics(got), w = TrainFixtures.metrics(want);
        assertThat(g).hasSize(STEPS);
        assertThat(w).hasSize(STEPS);
        for (int i = 0; i < STEPS; i++) {
            assertThat(g.get(i).has("valid_loss")).as("valid_loss at step %d", i + 1).isEqualTo((i + 1) % 2 == 0);
            assertThat(w.get(i).has("valid_loss")).isEqualTo((i + 1) % 2 == 0);
            for (String key : (i + 1) % 2 == 0 ? List.of("loss", "grad_norm", "valid_loss") : List.of("loss", "grad_norm")) {
                double a = g.get(i).get(key).asDouble(), b = w.get(i).get(key).asDouble();
                assertThat(Math.abs(a - b)).as("%s of step %d: %s vs %s", key, i + 1, a, b).isLessThanOrEqualTo(rel * Math.abs(b));
            }
        }
    }

    /** The last checkpoint's state.bin: the trainable values, then AdamW's moments, exactly as trained. */
    private static List<INDArray> state(Path out) throws IOException {
        List<INDArray> arrays = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(Files.newInputStream(out.resolve("checkpoints/step-" + STEPS + "/state.bin")))) {
            while (in.available() > 0) arrays.add(Nd4j.read(in));
        }
        return arrays;
    }
}
