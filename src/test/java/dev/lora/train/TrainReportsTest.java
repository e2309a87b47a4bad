package dev.lora.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lora.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What lora train tells before and while it trains: --dry-run, warnings for likely mistakes, and keep_best. */
class TrainReportsTest {
    private static final String LORA = "r: 4\nalpha: 8\ndropout: 0\ntargets: [q, v]\n";
    private static final String TRAIN = "batch_size: 2\ngrad_accum: 2\nepochs: 2\nlr: 0.01\nwarmup_steps: 1\nlog_every: 1\n";

    @Test
    void dryRunPrintsTheStepCountAndParametersAndWritesNothing(@TempDir Path tmp) {
        Path cfg = TrainFixtures.config(tmp, tmp.resolve("out"), TrainFixtures.PARITY.resolve("data.jsonl"), LORA, TRAIN);
        CliRun r = CliRun.lora("train", cfg.toString(), "--dry-run");
        assertThat(r.status()).as(r.err()).isZero();
        // 10 examples, 2 per micro-batch, 2 micro-batches per step: 3 steps per epoch (the last has one), 2 epochs.
        assertThat(r.out()).contains("Resolved config:", "steps: 6 (2 epochs of 3 steps; 4 examples per step: batch_size 2 x grad_accum 2)",
                "examples: 10 for training (0 cut to data.max_seq_len=64)");
        // q and v adapters of rank 4 on n_embd 32, 2 layers: per layer A [8, 32] and B [64, 4] = 512, so 1,024.
        assertThat(r.out()).contains("parameters: 1,024 trainable of ");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void warnsWhenWarmupCoversTheRunWhenContextIsCutAndWhenASetIsEmpty(@TempDir Path tmp) {
        Path cfg = TrainFixtures.config(tmp, tmp.resolve("out"), TrainFixtures.PARITY.resolve("data.jsonl"), LORA, TRAIN);
        CliRun r = CliRun.lora("train", cfg.toString(), "--dry-run", "--set", "train.warmup_steps=500", "--set",
                "data.max_seq_len=10", "--set", "lora.init=");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).contains("train.warmup_steps=500 covers the whole run of 6 steps",
                "examples are longer than data.max_seq_len=10 and lose context tokens from the left",
                "--set lora.init=: the value is empty, which unsets lora.init");
        // The fixture's examples have 5 to 15 tokens; those above 10 are (9, 5), (11, 4), (6, 7): 3 of 10.
        assertThat(r.err()).contains("3 of 10 examples");
    }

    @Test
    void keepBestKeepsTheAdapterWithTheLowestValidationLoss(@TempDir Path tmp) throws IOException {
        Path data = TrainFixtures.PARITY.resolve("data.jsonl");
        String yaml = Files.readString(TrainFixtures.config(tmp, tmp.resolve("out"), data, LORA,
                TRAIN + "eval_every: 1\nkeep_best: true\n")).replace("  max_seq_len: 64\n", "  valid: " + data + "\n  max_seq_len: 64\n");
        Path cfg = Files.writeString(tmp.resolve("run.yaml"), yaml);
        CliRun r = CliRun.lora("train", cfg.toString());
        assertThat(r.status()).as(r.err()).isZero();
        List<JsonNode> rows = TrainFixtures.metrics(tmp.resolve("out"));
        JsonNode best = rows.stream().min(java.util.Comparator.comparingDouble(n -> n.get("valid_loss").asDouble())).orElseThrow();
        JsonNode kept = TrainFixtures.json(tmp.resolve("out/best/best.json"));
        assertThat(kept.get("step").asInt()).isEqualTo(best.get("step").asInt());
        assertThat(kept.get("valid_loss").asDouble()).isEqualTo(best.get("valid_loss").asDouble());
        assertThat(tmp.resolve("out/best/adapter/adapter_model.safetensors")).isRegularFile();
        assertThat(CliRun.lora("train", cfg.toString(), "--force", "--set", "data.valid=").err())
                .contains("train.keep_best needs data.valid");
    }
}
