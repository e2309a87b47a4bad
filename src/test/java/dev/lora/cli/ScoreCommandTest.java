package dev.lora.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lora.eval.GateCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ScoreCommandTest {

    private static final Path DATA = Path.of("../shared/data/e2e");

    @TempDir
    Path dir;

    private static void assumeData(Path... files) {
        for (Path f : files) {
            assumeTrue(Files.exists(f), "E2E data not found: " + f.toAbsolutePath() + " (../shared/data/e2e); skipping");
        }
    }

    @Test
    void tgenBaselineOnTheDevelopmentSetMatchesPublishedScores() throws IOException {
        Path refs = DATA.resolve("devset.csv");
        Path preds = DATA.resolve("systems/tgen-dev-baseline.txt");
        assumeData(refs, preds);
        CliRun run = CliRun.lora("score", "--references", refs.toString(), "--predictions", preds.toString());
        assertThat(run.status()).as(run.err()).isZero();
        JsonNode s = run.json();
        // Published (E2E NLG Challenge, official scorer): 0.6925 8.4781 0.4703 0.7257 2.3987
        assertThat(s.get("BLEU").decimalValue()).isEqualByComparingTo("0.6925");
        assertThat(s.get("NIST").decimalValue()).isEqualByComparingTo("8.4781");
        assertThat(s.get("ROUGE_L").decimalValue()).isEqualByComparingTo("0.7257");
        assertThat(s.get("CIDEr").decimalValue()).isEqualByComparingTo("2.3987");
        // METEOR lacks the WordNet synonym and paraphrase modules (docs/metrics.md): it scores lower.
        assertThat(s.get("METEOR").asDouble()).isLessThan(0.4703).isCloseTo(0.4703, within(0.01));
    }

    @Test
    void tgenBaselineOnTheTestSetMatchesPublishedScores() throws IOException {
        Path refs = DATA.resolve("testset_w_refs.csv");
        Path preds = DATA.resolve("systems/tgen.tsv");
        assumeData(refs, preds);
        CliRun run = CliRun.lora("score", "--references", refs.toString(), "--predictions", preds.toString());
        assertThat(run.status()).as(run.err()).isZero();
        JsonNode s = run.json();
        // Published: 0.6593 8.6094 0.4483 0.6850 2.2338
        assertThat(s.get("BLEU").decimalValue()).isEqualByComparingTo("0.6593");
        assertThat(s.get("NIST").decimalValue()).isEqualByComparingTo("8.6094");
        assertThat(s.get("ROUGE_L").decimalValue()).isEqualByComparingTo("0.6850");
        assertThat(s.get("CIDEr").decimalValue()).isEqualByComparingTo("2.2338");
        assertThat(s.get("METEOR").asDouble()).isLessThan(0.4483).isCloseTo(0.4483, within(0.01));
    }

    /**
     * With METEOR's own function words and synonyms (../shared/data/meteor, no paraphrase table), TGen's METEOR rises
     * to just under the published one: the published score includes paraphrases, worth 0.002-0.003 here (that
     * folder's README), and the other four metrics do not move.
     */
    @Test
    void withMeteorsDataTheTestSetMeteorIsWithinTheParaphraseGap() throws IOException {
        Path refs = DATA.resolve("testset_w_refs.csv"), preds = DATA.resolve("systems/tgen.tsv");
        Path meteor = Path.of("../shared/data/meteor");
        assumeData(refs, preds, meteor.resolve("english.synsets"));
        CliRun run = CliRun.lora("score", "--references", refs.toString(), "--predictions", preds.toString(), "--meteor-data",
                meteor.toString());
        assertThat(run.status()).as(run.err()).isZero();
        JsonNode s = run.json();
        assertThat(s.get("METEOR").asDouble()).isBetween(0.4483 - 0.003, 0.4483);
        assertThat(s.get("METEOR_modules").asText()).isEqualTo("exact+stem+synonym");
        assertThat(s.get("METEOR_function_words").asText()).isEqualTo("english.words");
        assertThat(s.get("BLEU").decimalValue()).isEqualByComparingTo("0.6593");
        assertThat(s.get("CIDEr").decimalValue()).isEqualByComparingTo("2.2338");
        assertThat(run.err()).contains("lacks paraphrase-en.gz");
    }

    @Test
    void aMeteorFolderGivenButMissingIsAnError() {
        CliRun run = CliRun.lora("score", "--references", "a.txt", "--predictions", "b.txt", "--meteor-data", "no/such/dir");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("no/such/dir: no such folder");
    }

    @Test
    void countMismatchIsAnInputErrorNamingBothCounts() throws IOException {
        Path refs = write("refs.txt", "a cheap pub\nan inexpensive pub\n\na riverside cafe\n\na family restaurant\n");
        Path preds = write("preds.txt", "a cheap pub\na riverside cafe\n");
        CliRun run = CliRun.lora("score", "--references", refs.toString(), "--predictions", preds.toString());
        assertThat(run.status()).isEqualTo(Main.EXIT_INPUT);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("2 predictions").contains("3 reference groups").hasLineCount(1);
    }

    @Test
    void failUnderPrintsTheScoresThenExitsWithThree() throws IOException {
        Path refs = write("refs.txt", "the eagle is a cheap pub\n\nthe mill is near the river\n");
        Path preds = write("preds.txt", "the eagle is a pub\nthe mill is by the river\n");
        CliRun run = CliRun.lora("score", "--references", refs.toString(), "--predictions", preds.toString(),
                "--fail-under", "BLEU=0.99", "--fail-under", "ROUGE-L=0.1");
        assertThat(run.status()).isEqualTo(GateCheck.EXIT_BELOW_THRESHOLD);
        assertThat(run.json().get("BLEU").asDouble()).isLessThan(0.99);
        assertThat(run.err()).contains("BLEU").contains("0.99").doesNotContain("ROUGE");
    }

    @Test
    void unknownMetricInFailUnderIsAnInputError() throws IOException {
        Path refs = write("refs.txt", "a\n\nb\n");
        Path preds = write("preds.txt", "a\nb\n");
        CliRun run = CliRun.lora("score", "--references", refs.toString(), "--predictions", preds.toString(), "--fail-under", "SPICE=1");
        assertThat(run.status()).isEqualTo(Main.EXIT_INPUT);
        assertThat(run.err()).contains("unknown metric 'SPICE'");
    }

    @Test
    void tsvPredictionsAreMatchedToCsvReferencesByMr() throws IOException {
        Path refs = write("refs.csv", "mr,ref\n"
                + "\"name[The Eagle], eatType[pub]\",The Eagle is a pub.\n"
                + "\"name[The Eagle], eatType[pub]\",\"There is a pub, The Eagle.\"\n"
                + "\"name[The Mill], area[riverside]\",The Mill is by the river.\n");
        // BOM, header, rows in the other order, quoting as some challenge systems wrote it.
        Path tsv = write("preds.tsv", "\uFEFFMR\toutput\n"
                + "name[The Mill], area[riverside]\t'The Mill is near the river.'\n"
                + "\"name[The Eagle], eatType[pub]\"\t\"The Eagle is a pub.\"\n");
        Path txt = write("preds.txt", "The Eagle is a pub.\nThe Mill is near the river.\n");
        CliRun fromTsv = CliRun.lora("score", "--references", refs.toString(), "--predictions", tsv.toString());
        CliRun fromTxt = CliRun.lora("score", "--references", refs.toString(), "--predictions", txt.toString());
        assertThat(fromTsv.status()).as(fromTsv.err()).isZero();
        assertThat(fromTsv.out()).isEqualTo(fromTxt.out());
    }

    @Test
    void tsvWithAnUnknownMrIsAnInputError() throws IOException {
        Path refs = write("refs.csv", "mr,ref\n\"name[A]\",A.\n\"name[B]\",B.\n");
        Path tsv = write("preds.tsv", "MR\toutput\nname[A]\tA.\nname[C]\tC.\n");
        CliRun run = CliRun.lora("score", "--references", refs.toString(), "--predictions", tsv.toString());
        assertThat(run.status()).isEqualTo(Main.EXIT_INPUT);
        assertThat(run.err()).contains("no prediction for the MR 'name[B]'");
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    /**
     * `lora score --metrics webnlg` on GenerationEval's own sample (fixtures/nlg/generationeval-sample, prefix form
     * as eval.py's -R takes it): the official eval.py's scores (fixtures/nlg/generationeval.json) within 1e-4,
     * the printed rounding's 5e-5 included; a gate on chrF++ above the score exits 3.
     */
    @Test
    void webNlgScoresEqualGenerationEvalsOnItsSample() throws Exception {
        Path meteorData = Path.of("../shared/data/meteor");
        assumeTrue(Files.isDirectory(meteorData), "METEOR data absent: " + meteorData.toAbsolutePath() + "; skipping");
        Path sample = Path.of("src/test/resources/fixtures/nlg/generationeval-sample");
        JsonNode official = new ObjectMapper().readTree(Path.of("src/test/resources/fixtures/nlg/generationeval.json").toFile())
                .get("systems").get("generationeval-sample");
        CliRun run = CliRun.lora("score", "--metrics", "webnlg", "--references", sample.resolve("references/reference").toString(),
                "--predictions", sample.resolve("hypothesis").toString(), "--meteor-data", meteorData.toString());
        assertThat(run.status()).as(run.err()).isZero();
        for (String m : new String[] {"BLEU", "METEOR", "chrF++", "TER"}) {
            assertThat(run.json().get(m).asDouble()).as(m).isCloseTo(official.get(m).asDouble(), within(1e-4));
        }
        CliRun gated = CliRun.lora("score", "--metrics", "webnlg", "--references", sample.resolve("references").toString(),
                "--predictions", sample.resolve("hypothesis").toString(), "--meteor-data", meteorData.toString(),
                "--fail-under", "chrF++=0.99");
        assertThat(gated.status()).isEqualTo(GateCheck.EXIT_BELOW_THRESHOLD);
        assertThat(gated.err()).contains("chrF++");
    }
}
