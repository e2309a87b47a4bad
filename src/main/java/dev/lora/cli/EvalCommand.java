package dev.lora.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
        "Loss/perplexity and E2E generation metrics of a model (plus adapter) on a data set.",
        "Writes OUT/metrics.json and, with --metrics e2e, OUT/predictions.txt and OUT/references.txt.",
        "Decoding defaults are the LoRA paper's E2E setting: beam 10, length penalty 0.8, no repeated 4-gram, 64 new tokens."},
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:evaluated (and every --fail-under met)", "2:bad usage or input",
                "3:a metric is below its --fail-under threshold (all outputs are written first)"})
public final class EvalCommand implements Callable<Integer>, ComputeCommand {
    @picocli.CommandLine.Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Option(names = "--data", required = true,
            description = "Data: .txt (context||completion per line), .jsonl, or the E2E challenge's .csv (mr,ref).")
    Path data;

    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;

    @Option(names = "--metrics", defaultValue = "loss", split = ",",
            description = "loss, e2e or loss,e2e (default: ${DEFAULT-VALUE}); e2e generates one output per unique context.")
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
            description = "With --metrics e2e: exit 3 if METRIC (BLEU, NIST, METEOR, ROUGE_L or CIDEr) is below VALUE (repeatable).")
    List<String> failUnder = new ArrayList<>();

    @picocli.CommandLine.Mixin
    MeteorOption meteorOption = new MeteorOption();

    @picocli.CommandLine.Mixin
    SparkOptions spark = new SparkOptions();

    @Override
    public Integer call() {
        DataType type = modelOptions.dataType();
        Set<String> sets = new LinkedHashSet<>(metrics);
        List<GateCheck.Threshold> gates = GateCheck.parse(failUnder, List.of("BLEU", "NIST", "METEOR", "ROUGE_L", "CIDEr"));
        if (!gates.isEmpty() && !sets.contains("e2e")) throw new InputError("--fail-under needs --metrics e2e (it gates E2E scores)");
        ObjectNode result = Evaluation.run(new Evaluation.Options(modelOptions.model, modelOptions.adapter(), data, sets,
                Optional.ofNullable(maxSeqLen), batchSize, type, decoding.settings(), Optional.ofNullable(limit), out, modelOptions.checkWeights,
                sets.contains("e2e") ? meteorOption.load() : MeteorResources.none(), spark.evaluation()));
        System.out.println(result.toString());
        List<GateCheck.Failure> failures = GateCheck.check(Evaluation.scores(result), gates);
        failures.forEach(f -> System.err.println("lora eval: " + f.message()));
        return failures.isEmpty() ? 0 : GateCheck.EXIT_BELOW_THRESHOLD;
    }

    /** Every option's range, before the model is read, in the option's own name. */
    @Override
    public void checkOptions() {
        OptionChecks.atLeast("--limit", limit, 1);
        OptionChecks.atLeast("--batch-size", batchSize, 1);
        OptionChecks.atLeast("--max-seq-len", maxSeqLen, 2);
        modelOptions.dataType();
        decoding.check();
    }
}
