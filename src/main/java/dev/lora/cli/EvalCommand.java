package dev.lora.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lora.data.GenerationEvalFiles;
import dev.lora.data.TripleJson;
import dev.lora.eval.Evaluation;
import dev.lora.eval.GateCheck;
import dev.lora.eval.metrics.meteor.MeteorResources;
import dev.lora.io.InputError;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "eval", mixinStandardHelpOptions = true, description = {
        "Loss/perplexity and E2E, WebNLG or DART generation metrics of a model (plus adapter) on a data set.",
        "Writes OUT/metrics.json and, with --metrics e2e, OUT/predictions.txt and OUT/references.txt;",
        "with --metrics webnlg|dart, GenerationEval's files (OUT/hypothesis, OUT/references/reference0..; for",
        "WebNLG also OUT/seen/ and OUT/unseen/) and BLEU, METEOR, chrF++ and TER as GenerationEval computes them.",
        "Decoding defaults are the LoRA paper's E2E setting: beam 10, length penalty 0.8, no repeated 4-gram, 64 new tokens."},
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:evaluated (and every --fail-under met)", "2:bad usage or input",
                "3:a metric is below its --fail-under threshold (all outputs are written first)"})
public final class EvalCommand implements Callable<Integer>, ComputeCommand {
    @picocli.CommandLine.Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Option(names = "--data", required = true,
            description = "Data: .txt (context||completion per line), .jsonl, the E2E challenge's .csv (mr,ref), "
                    + "or microsoft/LoRA's WebNLG/DART .json.")
    Path data;

    @Option(names = "--format", paramLabel = "webnlg|dart",
            description = "What a .json data file is (default: told from its content).")
    String format;

    @Option(names = "--ref-num", defaultValue = "" + GenerationEvalFiles.PAPER_REF_NUM,
            description = "With --metrics webnlg|dart: reference files to write and score, as gpt2_decode.py's --ref_num "
                    + "(default: ${DEFAULT-VALUE}, the paper's).")
    int refNum;

    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;

    @Option(names = "--metrics", defaultValue = "loss", split = ",",
            description = "loss, e2e, webnlg or dart, or loss with one of the others, e.g. loss,webnlg (default: ${DEFAULT-VALUE});"
                    + " e2e, webnlg and dart generate one output per unique context.")
    List<String> metrics;

    @Option(names = "--max-seq-len", description = "Longest sequence for the loss; longer examples lose context from the left (default: n_positions).")
    Integer maxSeqLen;

    @Option(names = "--batch-size", defaultValue = "8", description = "Examples per forward pass for the loss (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @picocli.CommandLine.Mixin
    DecodingOptions decoding = new DecodingOptions();

    @Option(names = "--limit", description = "Generate for the first N unique contexts only.")
    Integer limit;

    @Option(names = "--fail-under", paramLabel = "METRIC=VALUE",
            description = "Exit 3 if METRIC is below VALUE (repeatable): with --metrics e2e BLEU, NIST, METEOR, ROUGE_L or CIDEr;"
                    + " with webnlg or dart BLEU, METEOR or chrF++ (and for webnlg their _S and _U forms).")
    List<String> failUnder = new ArrayList<>();

    @picocli.CommandLine.Mixin
    MeteorOption meteorOption = new MeteorOption();

    @picocli.CommandLine.Mixin
    SparkOptions spark = new SparkOptions();

    @Override
    public Integer call() {
        DataType type = modelOptions.dataType();
        Set<String> sets = new LinkedHashSet<>(metrics);
        boolean generates = sets.stream().anyMatch(Evaluation.GENERATION_SETS::contains);
        if (!failUnder.isEmpty() && !generates) {
            throw new InputError("--fail-under needs --metrics e2e, webnlg or dart (it gates generation scores)");
        }
        List<GateCheck.Threshold> gates = GateCheck.parse(failUnder, gateable(sets));
        ObjectNode result = Evaluation.run(new Evaluation.Options(modelOptions.model, modelOptions.adapter(), data,
                Optional.ofNullable(format).map(TripleJson.Kind::parse), sets,
                Optional.ofNullable(maxSeqLen), batchSize, type, decoding.settings(), Optional.ofNullable(limit), out, modelOptions.checkWeights,
                generates ? meteorOption.load() : MeteorResources.none(), refNum, spark.evaluation()));
        System.out.println(result.toString());
        for (GateCheck.Threshold g : gates) {
            if (!result.has(g.metric())) throw new InputError("--fail-under " + g.metric() + ": nothing was scored for it (no such contexts)");
        }
        List<GateCheck.Failure> failures = GateCheck.check(Evaluation.scores(result), gates);
        failures.forEach(f -> System.err.println("lora eval: " + f.message()));
        return failures.isEmpty() ? 0 : GateCheck.EXIT_BELOW_THRESHOLD;
    }

    /** The scores --fail-under may name for these metric sets (TER is left out: lower is better). */
    private static List<String> gateable(Set<String> sets) {
        if (sets.contains("e2e")) return List.of("BLEU", "NIST", "METEOR", "ROUGE_L", "CIDEr");
        if (sets.contains("webnlg")) {
            return List.of("BLEU", "METEOR", "chrF++", "BLEU_S", "METEOR_S", "chrF++_S", "BLEU_U", "METEOR_U", "chrF++_U");
        }
        if (sets.contains("dart")) return List.of("BLEU", "METEOR", "chrF++");
        return List.of();
    }

    /** Every option's range, before the model is read, in the option's own name. */
    @Override
    public void checkOptions() {
        OptionChecks.atLeast("--limit", limit, 1);
        OptionChecks.atLeast("--batch-size", batchSize, 1);
        OptionChecks.atLeast("--max-seq-len", maxSeqLen, 2);
        OptionChecks.atLeast("--ref-num", refNum, 1);
        if (format != null) TripleJson.Kind.parse(format);
        modelOptions.dataType();
        decoding.check();
    }
}
