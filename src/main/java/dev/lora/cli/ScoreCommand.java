package dev.lora.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lora.eval.GateCheck;
import dev.lora.eval.metrics.E2eMetrics;
import dev.lora.eval.metrics.E2eScores;
import dev.lora.eval.metrics.meteor.MeteorResources;
import dev.lora.data.ScoringInputs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"E2E metrics (BLEU, NIST, METEOR, ROUGE-L, CIDEr) of predictions against references.",
                "Computed as the official E2E NLG Challenge scorer does. Prints one JSON object;",
                "BLEU, METEOR and ROUGE_L are fractions. Scores are rounded to 4 decimals, as the",
                "official scorer prints them, and --fail-under compares the rounded values."},
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:scored (and every --fail-under met)", "2:bad usage or input",
                "3:a score is below its --fail-under threshold"})
public final class ScoreCommand implements Callable<Integer> {

    @Option(names = "--references", required = true, paramLabel = "FILE",
            description = "Reference texts: groups of lines separated by a blank line (one group per MR), "
                    + "or the challenge CSV with columns mr,ref (grouped by MR).")
    Path references;

    @Option(names = "--predictions", required = true, paramLabel = "FILE",
            description = "System outputs: one line per reference group, or a TSV with header and columns "
                    + "MR, output (matched to the CSV references by MR).")
    Path predictions;

    @Option(names = "--fail-under", paramLabel = "METRIC=VALUE",
            description = "Exit with status 3 if METRIC scores below VALUE (repeatable), e.g. BLEU=0.6.")
    List<String> failUnder = new ArrayList<>();

    @picocli.CommandLine.Mixin
    MeteorOption meteorOption = new MeteorOption();

    @Override
    public Integer call() throws Exception {
        List<String> metricNames = List.of(E2eScores.BLEU, E2eScores.NIST, E2eScores.METEOR, E2eScores.ROUGE_L,
                E2eScores.CIDER);
        List<GateCheck.Threshold> thresholds = GateCheck.parse(failUnder, metricNames);
        MeteorResources meteor = meteorOption.load();
        ScoringInputs.References refs = ScoringInputs.readReferences(references);
        List<String> outputs = ScoringInputs.readPredictions(predictions, refs);
        E2eScores scores = E2eMetrics.score(refs.groups(), outputs, meteor);

        Map<String, Double> rounded = new LinkedHashMap<>();
        ObjectNode json = new ObjectMapper().createObjectNode();
        scores.asMap().forEach((name, value) -> {
            BigDecimal r = new BigDecimal(value).setScale(4, RoundingMode.HALF_EVEN);
            rounded.put(name, r.doubleValue());
            json.put(name, r);
        });
        meteor.recordIn(json);
        System.out.println(new ObjectMapper().writeValueAsString(json));
        System.out.flush();

        List<GateCheck.Failure> failures = GateCheck.check(rounded, thresholds);
        for (GateCheck.Failure f : failures) System.err.println("lora score: " + f.message());
        return failures.isEmpty() ? 0 : GateCheck.EXIT_BELOW_THRESHOLD;
    }
}
