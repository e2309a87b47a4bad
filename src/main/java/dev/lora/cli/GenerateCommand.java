package dev.lora.cli;

import dev.lora.data.Prompts;
import dev.lora.eval.Generation;
import dev.lora.io.InputError;
import dev.lora.io.OutputFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "generate", mixinStandardHelpOptions = true, description = {
        "Generate outputs for inputs without references, such as the E2E test set's MRs or one prompt.",
        "Input: the challenge's .csv (mr column, e.g. testset.csv), a .txt of contexts or a .jsonl with \"context\",",
        "or --prompt. Writes OUT/predictions.txt (one output per line) and OUT/predictions.tsv (MR<TAB>output).",
        "Decoding options and defaults are lora eval's: the LoRA paper's E2E setting."})
public final class GenerateCommand implements Callable<Integer>, ComputeCommand {
    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Option(names = "--data", description = "Inputs: the challenge's .csv (mr), .txt (a context per line) or .jsonl (\"context\").")
    Path data;

    @Option(names = "--prompt", description = "One context to generate for (printed on stdout), instead of --data.")
    String prompt;

    @Option(names = "--out", description = "Output folder (needed with --data).")
    Path out;

    @Option(names = "--limit", description = "Generate for the first N unique inputs only.")
    Integer limit;

    @Mixin
    DecodingOptions decoding = new DecodingOptions();

    @Mixin
    SparkOptions spark = new SparkOptions();

    @Override
    public void checkOptions() {
        if ((data == null) == (prompt == null)) throw new InputError("give either --data FILE or --prompt TEXT");
        if (data != null && out == null) throw new InputError("--data needs --out, the folder the outputs are written to");
        OptionChecks.atLeast("--limit", limit, 1);
        modelOptions.dataType();
        decoding.check();
        if (out != null) OutputFolder.refuseOverlap("--out", out, modelOptions.adapter().map(a -> Map.of("--adapter", a)).orElse(Map.of()));
    }

    @Override
    public Integer call() {
        List<Prompts> inputs = data != null ? Prompts.read(data) : List.of(new Prompts(prompt, prompt));
        List<String> outputs = Generation.run(new Generation.Options(modelOptions.model, modelOptions.adapter(), inputs,
                modelOptions.dataType(),
                decoding.settings(), Optional.ofNullable(limit), Optional.ofNullable(out), modelOptions.checkWeights, spark.evaluation()));
        if (prompt != null) System.out.println(outputs.get(0));
        return 0;
    }
}
