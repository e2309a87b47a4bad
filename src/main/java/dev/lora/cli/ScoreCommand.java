package dev.lora.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lora.eval.GateCheck;
import dev.lora.eval.metrics.E2eMetrics;
import dev.lora.eval.metrics.E2eScores;
import dev.lora.eval.metrics.meteor.MeteorResources;
import dev.lora.data.GenerationEvalFiles;
import dev.lora.data.ScoringInputs;
import dev.lora.eval.metrics.GenerationEval;
import dev.lora.eval.metrics.GenerationEvalScores;
import dev.lora.io.InputError;
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
        description = {"E2E, WebNLG or DART metrics of predictions against references.",
                "E2E (the default): BLEU, NIST, METEOR, ROUGE-L and CIDEr as the official E2E NLG Challenge scorer",
                "computes them. --metrics webnlg|dart: BLEU, METEOR, chrF++ and TER as WebNLG's GenerationEval",
                "(eval.py) computes them on its files (hypothesis, reference0, reference1, ...).",
                "Prints one JSON object. E2E's BLEU, METEOR and ROUGE_L are fractions; GenerationEval's BLEU is",
                "0-100 and its METEOR, chrF++ and TER fractions. Scores are rounded to 4 decimals, and",
                "--fail-under compares the rounded values."},
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:scored (and every --fail-under met)", "2:bad usage or input",
                "3:a score is below its --fail-under threshold"})
public final class ScoreCommand implements Callable<Integer> {

    @Option(names = "--metrics", defaultValue = "e2e", paramLabel = "e2e|webnlg|dart",
            description = "Which scorer (default: ${DEFAULT-VALUE}); webnlg and dart score the same way.")
    String metrics;

    @Option(names = "--references", required = true, paramLabel = "FILE",
            description = "E2E: groups of lines separated by a blank line (one group per MR), or the challenge CSV "
                    + "with columns mr,ref (grouped by MR). webnlg/dart: GenerationEval's -R prefix (files PREFIX0, "
                    + "PREFIX1, ...), the folder holding reference0, reference1, ..., or one reference file.")
    Path references;

    @Option(names = "--predictions", required = true, paramLabel = "FILE",
            description = "System outputs: one line per reference group (E2E also a TSV with header and columns "
                    + "MR, output, matched to the CSV references by MR).")
    Path predictions;

    @Option(names = "--fail-under", paramLabel = "METRIC=VALUE",
            description = "Exit with status 3 if METRIC scores below VALUE (repeatable), e.g. BLEU=0.6.")
    List<String> failUnder = new ArrayList<>();

    @picocli.CommandLine.Mixin
    MeteorOption meteorOption = new MeteorOption();

    @Override
    public Integer call() throws Exception {
        boolean e2e = switch (metrics.toLowerCase(java.util.Locale.ROOT)) {
            case "e2e" -> true;
            case "webnlg", "dart" -> false;
            default -> throw new InputError("--metrics: unknown scorer '" + metrics + "' (use e2e, webnlg or dart)");
        };
        List<String> metricNames = e2e
                ? List.of(E2eScores.BLEU, E2eScores.NIST, E2eScores.METEOR, E2eScores.ROUGE_L, E2eScores.CIDER)
                : List.of(GenerationEvalScores.BLEU, GenerationEvalScores.METEOR, GenerationEvalScores.CHRF_PP);
        List<GateCheck.Threshold> thresholds = GateCheck.parse(failUnder, metricNames);
        MeteorResources meteor = meteorOption.load();
        Map<String, Double> scores;
        if (e2e) {
            ScoringInputs.References refs = ScoringInputs.readReferences(references);
            List<String> outputs = ScoringInputs.readPredictions(predictions, refs);
            scores = E2eMetrics.score(refs.groups(), outputs, meteor).asMap();
        } else {
            GenerationEvalFiles.Texts texts = GenerationEvalFiles.read(predictions, references);
            scores = GenerationEval.score(texts.hypothesis(), texts.references(), meteor).asMap();
        }

        Map<String, Double> rounded = new LinkedHashMap<>();
        ObjectNode json = new ObjectMapper().createObjectNode();
        scores.forEach((name, value) -> {
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
