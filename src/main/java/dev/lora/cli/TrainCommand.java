package dev.lora.cli;

import dev.lora.config.ConfigLoader;
import dev.lora.config.RunConfig;
import dev.lora.io.InputError;
import dev.lora.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true, description = {
        "Fine-tune GPT-2 with LoRA from a run config (YAML or JSON).",
        "Writes OUTPUT/adapter/, OUTPUT/checkpoints/step-N/, OUTPUT/metrics.jsonl, OUTPUT/loss.png and OUTPUT/config.yaml.",
        "Ctrl-C (SIGTERM) saves a checkpoint and exits 130 (143); --resume continues exactly where it stopped."})
public final class TrainCommand implements Callable<Integer>, ComputeCommand {
    // Optional to picocli so that `--resume CONFIG`, which picocli reads as the checkpoint, gets our explanation.
    @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG", description = "Run config, .yaml/.yml or .json (see configs/).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key, e.g. --set train.lr=1e-4 (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--resume", arity = "0..1", paramLabel = "CHECKPOINT",
            description = "Resume from the newest checkpoint in the output folder, or from the given checkpoints/step-N folder.")
    String resume;

    @Option(names = "--stop-after", paramLabel = "STEP",
            description = "Stop after this optimiser step with a checkpoint, as Ctrl-C would (e.g. to fit a job's time limit); resume later with --resume.")
    Long stopAfter;

    @Option(names = "--check-weights", description = "Before training, refuse model weights that hold NaN or infinity (one pass over them).")
    boolean checkWeights;

    @Option(names = "--dry-run", description = "Read the config and the data, print the resolved config, the step count, the parameter counts and the memory estimate, and exit; writes nothing.")
    boolean dryRun;

    @Option(names = "--force", description = "Start afresh in an output folder that holds another run, deleting that run's adapter, checkpoints and metrics.")
    boolean force;

    @picocli.CommandLine.Mixin
    SparkOptions spark = new SparkOptions();

    @Override
    public Integer call() {
        if (resume != null && resume.matches("(?i).*\\.(ya?ml|json)")) {
            throw new InputError("--resume " + resume + ": --resume takes a checkpoint folder (or nothing); put the config first: lora train "
                    + resume + " --resume");
        }
        if (config == null) throw new InputError("give the run config: lora train CONFIG (see configs/)");
        if (force && resume != null) throw new InputError("--force starts afresh and --resume continues: give one of them");
        RunConfig cfg = ConfigLoader.load(config, overrides);
        Trainer.Resume from = resume == null ? new Trainer.Resume.None()
                : resume.isEmpty() ? new Trainer.Resume.Latest() : new Trainer.Resume.From(Path.of(resume));
        OptionalLong stop = stopAfter == null ? OptionalLong.empty() : OptionalLong.of(stopAfter);
        return new Trainer(cfg, new Trainer.Options(from, stop, checkWeights, force, dryRun, spark.training())).run();
    }
}
