package dev.lora.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lora.cli.Main;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * GPT-2 forward against PyTorch (scripts/reference/make_model_fixtures.py) on the tiny full-vocabulary
 * model: sequences of lengths 17, 9, 1 and 64 in one right-padded batch.
 */
class ForwardParityTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    static final Path MODEL = FIXTURES.resolve("tiny-gpt2");

    @ParameterizedTest(name = "{0}")
    @CsvSource({"float32, 1e-4", "float64, 1e-9"})
    void logitsMatchPyTorch(String dtype, double tolerance) throws IOException {
        JsonNode fixture = new ObjectMapper().readTree(FIXTURES.resolve("forward.json").toFile());
        Gpt2Model model = new Gpt2Model(Gpt2Loader.load(MODEL, dtype.equals("float64") ? DataType.DOUBLE : DataType.FLOAT));
        JsonNode seqs = fixture.get("sequences");
        int time = 0;
        for (JsonNode s : seqs) time = Math.max(time, s.get("ids").size());
        int[][] ids = new int[seqs.size()][time];
        for (int b = 0; b < seqs.size(); b++) {
            for (int t = 0; t < seqs.get(b).get("ids").size(); t++) ids[b][t] = seqs.get(b).get("ids").get(t).asInt();
        }
        INDArray logits = model.logits(model.hidden(ids, false));
        JsonNode cols = fixture.get("vocab_columns");
        double worst = 0;
        int compared = 0;
        for (int b = 0; b < seqs.size(); b++) {
            JsonNode want = seqs.get(b).get(dtype);
            for (int t = 0; t < seqs.get(b).get("ids").size(); t++) {
                INDArray row = logits.getRow((long) b * time + t);
                for (int c = 0; c < cols.size(); c++) {
                    worst = Math.max(worst, Math.abs(row.getDouble(cols.get(c).asInt()) - want.get("logits").get(t).get(c).asDouble()));
                    compared++;
                }
                double max = row.maxNumber().doubleValue();
                double lse = max + Math.log(org.nd4j.linalg.ops.transforms.Transforms.exp(row.castTo(DataType.DOUBLE).sub(max), false)
                        .sumNumber().doubleValue());
                assertThat(lse).as("logsumexp of row %d position %d", b, t).isCloseTo(want.get("logsumexp").get(t).asDouble(), within(tolerance));
            }
        }
        assertThat(compared).isEqualTo((17 + 9 + 1 + 64) * cols.size());
        assertThat(worst).as("max |logit error|").isLessThanOrEqualTo(tolerance);
    }

    @Test
    void safetensorsAndPytorchBinGiveIdenticalLogits(@TempDir Path tmp) throws IOException {
        Path binOnly = Files.createDirectories(tmp.resolve("bin"));
        Files.copy(MODEL.resolve("config.json"), binOnly.resolve("config.json"));
        Files.copy(MODEL.resolve("pytorch_model.bin"), binOnly.resolve("pytorch_model.bin"));
        int[][] ids = {{464, 3290, 318, 257, 50256, 1110}, {15496, 995, 0, 0, 0, 0}};
        Gpt2Model fromSafetensors = new Gpt2Model(Gpt2Loader.load(MODEL, DataType.FLOAT));
        Gpt2Model fromBin = new Gpt2Model(Gpt2Loader.load(binOnly, DataType.FLOAT));
        INDArray a = fromSafetensors.logits(fromSafetensors.hidden(ids, false));
        INDArray b = fromBin.logits(fromBin.hidden(ids, false));
        assertThat(a.equals(b)).as("bit-identical logits").isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"float32", "float64"})
    void evalLossMatchesPyTorch(String dtype, @TempDir Path tmp) throws IOException {
        JsonNode want = new ObjectMapper().readTree(FIXTURES.resolve("loss.json").toFile());
        int status = Main.run("eval", "--model", MODEL.toString(), "--data", FIXTURES.resolve("loss.jsonl").toString(),
                "--batch-size", "2", "--dtype", dtype, "--out", tmp.toString());
        assertThat(status).isZero();
        JsonNode got = new ObjectMapper().readTree(tmp.resolve("metrics.json").toFile());
        double expected = want.get(dtype).get("loss").asDouble();
        assertThat(Math.abs(got.get("loss").asDouble() - expected) / expected).isLessThanOrEqualTo(1e-5);
        assertThat(got.get("perplexity").asDouble()).isCloseTo(Math.exp(expected), within(Math.exp(expected) * 1e-5));
        assertThat(got.get("tokens").asInt()).isEqualTo(want.get("tokens").asInt());
        assertThat(got.get("examples").asInt()).isEqualTo(want.get("examples").asInt());
    }

    /** A batch of one sequence of one token (attention's probabilities [1, H, 1, 1]) goes through the full forward. */
    @Test
    void aLoneOneTokenSequence() {
        Gpt2Model model = new Gpt2Model(Gpt2Loader.load(MODEL, DataType.FLOAT));
        INDArray alone = model.logits(model.hidden(new int[][]{{464}}, false));
        INDArray padded = model.logits(model.hidden(new int[][]{{464, 0, 0}}, false)).getRow(0);
        // 1e-4: the float32 bound this test holds logits to against PyTorch (products of 1 and of 3 rows may take
        // different OpenBLAS kernels, so the two are not bit-identical).
        assertThat(alone.getRow(0).equalsWithEps(padded, 1e-4)).as("the same token's logits").isTrue();
    }
}
