package dev.lora.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lora.cli.CliRun;
import dev.lora.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end on the tiny model: train on a WebNLG excerpt given as microsoft/LoRA's JSON, then `lora eval --metrics
 * webnlg` writes GenerationEval's files and the seen / unseen / all scores, and `lora score` on those files agrees.
 */
class LearnsWebNlgTest {
    private static final Path EXCERPT = TrainFixtures.ROOT.resolve("nlg/webnlg-excerpt.json");

    @Test
    void trainsOnWebNlgJsonAndScoresSeenUnseenAndAll(@TempDir Path tmp) throws Exception {
        Path cfg = TrainFixtures.config(tmp, tmp.resolve("out"), EXCERPT, "r: 4\nalpha: 32\ndropout: 0.0\ntargets: [q, v]\n",
                "batch_size: 8\nmax_steps: 6\nlr: 0.01\nwarmup_steps: 1\n");
        assertThat(Main.run("train", cfg.toString())).isZero();
        List<JsonNode> log = TrainFixtures.metrics(tmp.resolve("out"));
        JsonNode last = log.stream().filter(r -> r.has("loss")).reduce((a, b) -> b).orElseThrow();
        assertThat(last.get("step").asInt()).isEqualTo(6);
        assertThat(last.get("loss").asDouble()).isFinite().isPositive();

        Path out = tmp.resolve("eval");
        assertThat(Main.run("eval", "--model", TrainFixtures.MODEL.toString(), "--adapter", tmp.resolve("out/adapter").toString(),
                "--data", EXCERPT.toString(), "--metrics", "loss,webnlg", "--beam", "2", "--max-new-tokens", "6",
                "--max-seq-len", "64", "--out", out.toString())).isZero();

        JsonNode m = TrainFixtures.json(out.resolve("metrics.json"));
        assertThat(m.get("examples").asInt()).isEqualTo(45);
        // The excerpt's every fifth entry is in the unseen category Athlete (fixtures/nlg/README.md).
        assertThat(m.get("contexts").asInt()).isEqualTo(20);
        assertThat(m.get("contexts_S").asInt()).isEqualTo(16);
        assertThat(m.get("contexts_U").asInt()).isEqualTo(4);
        for (String metric : List.of("BLEU", "METEOR", "chrF++", "TER")) {
            for (String subset : List.of("", "_S", "_U")) assertThat(m.has(metric + subset)).as(metric + subset).isTrue();
        }
        assertThat(Files.readAllLines(out.resolve("hypothesis"))).hasSize(20);
        assertThat(Files.readAllLines(out.resolve("seen/hypothesis"))).hasSize(16);
        assertThat(Files.readAllLines(out.resolve("unseen/references/reference5"))).hasSize(4);
        assertThat(out.resolve("references/reference6")).doesNotExist();
        assertThat(Files.readAllLines(out.resolve("predictions.txt"))).hasSize(20);

        // The written files through `lora score` (as through GenerationEval) give the same numbers.
        for (String subset : List.of("", "_S", "_U")) {
            Path dir = subset.isEmpty() ? out : out.resolve(subset.equals("_S") ? "seen" : "unseen");
            CliRun score = CliRun.lora("score", "--metrics", "webnlg", "--references", dir.resolve("references").toString(),
                    "--predictions", dir.resolve("hypothesis").toString());
            assertThat(score.status()).as(score.err()).isZero();
            for (String metric : List.of("BLEU", "METEOR", "chrF++", "TER")) {
                assertThat(score.json().get(metric).asDouble()).as(metric + subset).isEqualTo(m.get(metric + subset).asDouble());
            }
        }
    }
}
