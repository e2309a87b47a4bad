package dev.lora.cli;

import dev.lora.config.ComputeDtype;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lora.eval.Evaluation;
import dev.lora.eval.GateCheck;
import dev.lora.eval.generate.GenerationSettings;
import dev.lora.io.InputError;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
public final class EvalCommand implements Callable<Integer> {
    @picocli.CommandLine.ParentCommand
    Main main;

    @Option(names = "--model", required = true, description = "Hugging Face GPT-2 folder or hub id (gpt2, gpt2-medium, ...).")
    String model;

    @Option(names = "--adapter", description = "Adapter: this tool's folder, a PEFT folder or a microsoft/LoRA .pt/.bin file.")
    Path adapter;

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

    @Option(names = "--dtype", defaultValue = "float32", description = "float32 or float64 (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--beam", defaultValue = "10", description = "Beam width (default: ${DEFAULT-VALUE}).")
    int beam;

    @Option(names = "--length-penalty", defaultValue = "0.8", description = "Finished beams score sum(log p) / length^this (default: ${DEFAULT-VALUE}).")
    double lengthPenalty;

    @Option(names = "--no-repeat-ngram", defaultValue = "4", description = "Ban repeating an n-gram of this size; 0 = off (default: ${DEFAULT-VALUE}).")
    int noRepeatNgram;

    @Option(names = "--max-new-tokens", defaultValue = "64", description = "Most tokens generated per context (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--greedy", description = "Greedy decoding instead of beam search.")
    boolean greedy;

    @Option(names = "--top-p", description = "Nucleus sampling with this top-p instead of beam search (seeded by --seed).")
    Double topP;

    @Option(names = "--temperature", defaultValue = "1.0", description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--seed", defaultValue = "0", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--contexts-per-batch", defaultValue = "10", description = "Contexts decoded together (default: ${DEFAULT-VALUE}).")
    int contextsPerBatch;

    @Option(names = "--limit", description = "Generate for the first N unique contexts only.")
    Integer limit;

    @Option(names = "--check-weights", description = "Refuse model weights that hold NaN or infinity (one pass over them).")
    boolean checkWeights;

    @Option(names = "--fail-under", paramLabel = "METRIC=VALUE",
            description = "With --metrics e2e: exit 3 if METRIC (BLEU, NIST, METEOR, ROUGE_L or CIDEr) is below VALUE (repeatable).")
    List<String> failUnder = new ArrayList<>();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        checkOptions();
        DataType type = ComputeDtype.parse("--dtype", dtype) == ComputeDtype.FLOAT64 ? DataType.DOUBLE : DataType.FLOAT;
        main.startBackend();
        Set<String> sets = new LinkedHashSet<>(metrics);
        List<GateCheck.Threshold> gates = GateCheck.parse(failUnder, List.of("BLEU", "NIST", "METEOR", "ROUGE_L", "CIDEr"));
        if (!gates.isEmpty() && !sets.contains("e2e")) throw new InputError("--fail-under needs --metrics e2e (it gates E2E scores)");
        ObjectNode result = Evaluation.run(new Evaluation.Options(model, Optional.ofNullable(adapter), data, sets,
                Optional.ofNullable(maxSeqLen), batchSize, type, generation(), Optional.ofNullable(limit), out, checkWeights));
        System.out.println(result.toString());
        List<GateCheck.Failure> failures = GateCheck.check(Evaluation.scores(result), gates);
        failures.forEach(f -> System.err.println("lora eval: " + f.message()));
        return failures.isEmpty() ? 0 : GateCheck.EXIT_BELOW_THRESHOLD;
    }

    /** Every option's range, before the model is read, in the option's own name. */
    private void checkOptions() {
        OptionChecks.atLeast("--limit", limit, 1);
        OptionChecks.atLeast("--beam", beam, 1);
        OptionChecks.atLeast("--max-new-tokens", maxNewTokens, 1);
        OptionChecks.atLeast("--contexts-per-batch", contextsPerBatch, 1);
        OptionChecks.atLeast("--batch-size", batchSize, 1);
        OptionChecks.atLeast("--max-seq-len", maxSeqLen, 2);
        OptionChecks.atLeast("--no-repeat-ngram", noRepeatNgram, 0);
        OptionChecks.within("--top-p", topP, 0, 1);
        OptionChecks.positive("--temperature", temperature);
        OptionChecks.finite("--length-penalty", lengthPenalty);
        boolean beamGiven = spec.commandLine().getParseResult().hasMatchedOption("--beam");
        if (greedy && topP != null) throw new InputError("--greedy and --top-p exclude each other");
        if (greedy && beamGiven) throw new InputError("--greedy and --beam exclude each other (greedy decoding is one beam)");
        if (topP != null && beamGiven) throw new InputError("--top-p and --beam exclude each other (sampling draws one sequence)");
    }

    private GenerationSettings generation() {
        try {
            GenerationSettings s = GenerationSettings.e2ePaperDefaults().withBeams(beam).withMaxNewTokens(maxNewTokens)
                    .withContextsPerBatch(contextsPerBatch);
            s = new GenerationSettings(s.decoding(), s.beams(), lengthPenalty, noRepeatNgram, s.maxNewTokens(),
                    s.stopTokens(), s.temperature(), s.topP(), s.seed(), s.contextsPerBatch(), s.useCache());
            if (greedy) return s.greedy();
            if (topP != null) return s.sampling(temperature, topP, seed);
            return s;
        } catch (IllegalArgumentException e) {
            throw new InputError("generation options: " + e.getMessage(), e);
        }
    }
}
