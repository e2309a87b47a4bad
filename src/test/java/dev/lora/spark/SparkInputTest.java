package dev.lora.spark;

import dev.lora.cli.CliRun;
import dev.lora.train.TrainFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input under Spark exits 2 with one line that says what is wrong and what to do. */
class SparkInputTest {
    private static final String LORA = "r: 2\nalpha: 4\ndropout: 0\ntargets: [q, v]\n";
    private static final String TRAIN = "batch_size: 4\nepochs: 1\nlr: 0.01\nwarmup_steps: 0\n";

    @Test
    void unreachableMaster(@TempDir Path tmp) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free once closed: nothing listens there
        }
        CliRun r = CliRun.lora("train", config(tmp).toString(), "--spark", "spark://127.0.0.1:" + port);
        assertOneLine(r, "lora: --spark spark://127.0.0.1:" + port + ": cannot reach the Spark master at 127.0.0.1:" + port);
        assertThat(r.err()).contains("check that it runs");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void unknownMaster(@TempDir Path tmp) throws IOException {
        assertOneLine(CliRun.lora("train", config(tmp).toString(), "--spark", "locale[2]"),
                "lora: --spark locale[2]: unknown master; use local[N]");
        assertOneLine(CliRun.lora("train", config(tmp).toString(), "--spark", "local[0]"),
                "lora: --spark local[0]: local[N] needs N >= 1 worker threads");
        assertOneLine(CliRun.lora("train", config(tmp).toString(), "--spark", "spark://node1"),
                "lora: --spark spark://node1: a standalone master is spark://HOST:PORT");
        assertOneLine(CliRun.lora("train", config(tmp).toString(), "--spark-model", "gpt2"), "lora: --spark-model needs --spark MASTER");
    }

    @Test
    void modelMissingOnTheExecutors(@TempDir Path tmp) throws IOException {
        Path missing = tmp.resolve("not-on-the-nodes");
        CliRun r = CliRun.lora("train", config(tmp).toString(), "--spark", "local[2]", "--spark-model", missing.toString());
        assertOneLine(r, "lora: on a Spark executor, step 1: model '" + missing + "': no such folder");
        // The same for evaluation.
        Path data = Files.writeString(tmp.resolve("valid.txt"), "name : Aromi||Aromi is a pub.\n");
        CliRun e = CliRun.lora("eval", "--model", TrainFixtures.MODEL.toString(), "--data", data.toString(), "--out",
                tmp.resolve("eval").toString(), "--spark", "local[2]", "--spark-model", missing.toString());
        assertOneLine(e, "lora: on a Spark executor, the loss: model '" + missing + "': no such folder");
    }

    private static Path config(Path tmp) {
        return TrainFixtures.config(tmp, tmp.resolve("out"), TrainFixtures.PARITY.resolve("data.jsonl"), LORA, TRAIN);
    }

    /** Exit status 2, and the last line of stderr (after the run's own log) is the error, starting with {@code start}. */
    private static void assertOneLine(CliRun r, String start) {
        assertThat(r.status()).as(r.err()).isEqualTo(2);
        String[] lines = r.err().strip().split("\n");
        assertThat(lines[lines.length - 1]).startsWith(start);
        assertThat(r.err()).doesNotContain("\tat ");
    }
}
