package dev.lora.train;

import dev.lora.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs never mix: a fresh run into another run's folder is refused or (--force) replaces it; --resume checks the config. */
class RunFolderTest {
    private static final String LORA = "r: 4\nalpha: 8\ndropout: 0.1\ntargets: [q, v]\n";
    private static final String TRAIN = "batch_size: 2\nmax_steps: 4\nlr: 0.01\nwarmup_steps: 1\nsave_every: 2\nlog_every: 1\n";

    private static Path config(Path tmp) {
        return TrainFixtures.config(tmp, tmp.resolve("out"), TrainFixtures.PARITY.resolve("data.jsonl"), LORA, TRAIN);
    }

    @Test
    void aFreshRunIntoAnotherRunsFolderIsRefusedAndTouchesNothing(@TempDir Path tmp) throws IOException {
        Path cfg = config(tmp);
        assertThat(CliRun.lora("train", cfg.toString()).status()).isZero();
        Path adapter = tmp.resolve("out/adapter/adapter_model.safetensors");
        byte[] before = Files.readAllBytes(adapter);
        long metricsBefore = Files.size(tmp.resolve("out/metrics.jsonl"));

        CliRun again = CliRun.lora("train", cfg.toString(), "--set", "train.lr=0.001");
        assertThat(again.status()).isEqualTo(2);
        assertThat(again.err()).contains("holds another run (adapter, checkpoints, metrics.jsonl, loss.png, config.yaml)",
                "--resume", "--force");
        assertThat(Files.readAllBytes(adapter)).isEqualTo(before);
        assertThat(Files.size(tmp.resolve("out/metrics.jsonl"))).isEqualTo(metricsBefore);
    }

    @Test
    void forceReplacesThePreviousRunsFiles(@TempDir Path tmp) throws IOException {
        Path cfg = config(tmp);
        assertThat(CliRun.lora("train", cfg.toString()).status()).isZero();
        assertThat(tmp.resolve("out/checkpoints/step-4")).isDirectory();
        Files.writeString(tmp.resolve("out/notes.txt"), "mine");

        assertThat(CliRun.lora("train", cfg.toString(), "--force", "--set", "train.max_steps=2").status()).isZero();
        assertThat(tmp.resolve("out/checkpoints/step-4")).as("the old run's checkpoint").doesNotExist();
        assertThat(tmp.resolve("out/checkpoints/step-2")).isDirectory();
        assertThat(TrainFixtures.metrics(tmp.resolve("out"))).hasSize(2);
        assertThat(tmp.resolve("out/notes.txt")).as("files that are not the run's stay").hasContent("mine");
        assertThat(CliRun.lora("train", cfg.toString(), "--force", "--resume").err()).contains("give one of them");
    }

    @Test
    void resumeRefusesACheckpointMadeWithAnotherConfigNamingTheKeys(@TempDir Path tmp) {
        Path cfg = config(tmp);
        assertThat(CliRun.lora("train", cfg.toString(), "--stop-after", "2").status()).isZero();

        CliRun other = CliRun.lora("train", cfg.toString(), "--resume", "--set", "train.lr=0.001", "--set", "lora.r=8");
        assertThat(other.status()).isEqualTo(2);
        assertThat(other.err()).contains("was made with another config",
                "checkpoint: lora.r=4, train.lr=0.01; this run: lora.r=8, train.lr=0.001");
        // Keys that do not change what is computed may change between a stop and a resume.
        assertThat(CliRun.lora("train", cfg.toString(), "--resume", "--set", "train.log_every=2").status()).isZero();
        assertThat(TrainFixtures.metrics(tmp.resolve("out"))).hasSize(4);
    }

    /** A bfloat16 run continued in float32 (or the reverse) would be another run: refused, naming the key. */
    @Test
    void resumeRefusesAnotherComputeType(@TempDir Path tmp) {
        Path cfg = config(tmp);
        assertThat(CliRun.lora("train", cfg.toString(), "--stop-after", "2", "--set", "train.dtype=bf16").status()).isZero();
        CliRun other = CliRun.lora("train", cfg.toString(), "--resume");
        assertThat(other.status()).isEqualTo(2);
        assertThat(other.err()).contains("was made with another config", "checkpoint: train.dtype=bfloat16; this run: train.dtype=float32");
        assertThat(CliRun.lora("train", cfg.toString(), "--resume", "--set", "train.dtype=bfloat16").status()).isZero();
        assertThat(TrainFixtures.metrics(tmp.resolve("out"))).hasSize(4);
    }

    @Test
    void aConfigGivenToResumeIsExplained(@TempDir Path tmp) {
        CliRun r = CliRun.lora("train", "--resume", "configs/tiny-ci.yaml");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--resume takes a checkpoint folder", "lora train configs/tiny-ci.yaml --resume");
    }

    @Test
    void theOutputMayNotBeAnInput(@TempDir Path tmp) throws IOException {
        Path data = Files.copy(TrainFixtures.PARITY.resolve("data.jsonl"), tmp.resolve("data.jsonl"));
        Path cfg = TrainFixtures.config(tmp, tmp, data, LORA, TRAIN);
        CliRun r = CliRun.lora("train", cfg.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("output " + tmp + " contains data.train " + data, "choose another output");
        assertThat(data).exists();
    }

    @Test
    void skippingNonFiniteStepsStopsARunThatIsNotTraining(@TempDir Path tmp) {
        CliRun r = CliRun.lora("train", config(tmp).toString(), "--set", "train.lr=1e30", "--set", "train.skip_nonfinite=true",
                "--set", "train.max_steps=30", "--set", "train.max_skipped_steps=5");
        assertThat(r.status()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("were all skipped as non-finite (train.max_skipped_steps=5)", "lower train.lr");
        assertThat(tmp.resolve("out/adapter")).as("no adapter written").doesNotExist();
    }

    @Test
    void aRunThatFailsOnItsInputsLeavesNoFoldersBehind(@TempDir Path tmp) {
        Path out = tmp.resolve("new/nested/out");
        Path cfg = TrainFixtures.config(tmp, out, tmp.resolve("missing.jsonl"), LORA, TRAIN);
        CliRun r = CliRun.lora("train", cfg.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("missing.jsonl: file not found");
        assertThat(tmp.resolve("new")).doesNotExist();
    }
}
