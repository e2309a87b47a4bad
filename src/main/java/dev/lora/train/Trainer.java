package dev.lora.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lora.config.RunConfig;
import dev.lora.config.TrainSettings;
import dev.lora.data.Example;
import dev.lora.eval.DatasetLoss;
import dev.lora.io.TaskProgress;
import dev.lora.io.AtomicFiles;
import dev.lora.io.InputError;
import dev.lora.io.OutputFolder;
import dev.lora.adapter.AdapterFiles;
import dev.lora.adapter.LoraModel;
import dev.lora.adapter.formats.AdapterReader;
import dev.lora.model.Gpt2Loader;
import dev.lora.model.Gpt2Weights;
import dev.lora.model.Param;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A LoRA training run: loads the base model and data, trains the adapters with AdamW under the
 * linear warmup/decay schedule, logs every step, evaluates and checkpoints on schedule, and writes
 * the final adapter. Everything a step does is a function of (config, step), so a resumed run
 * repeats the uninterrupted one exactly.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    /** What to resume from: nothing, the newest checkpoint in the output folder, or a given checkpoint folder. */
    public sealed interface Resume {
        record None() implements Resume {
        }

        record Latest() implements Resume {
        }

        record From(Path checkpoint) implements Resume {
        }
    }

    /**
     * How to run: what to resume from; stop with a checkpoint after step {@code stopAfter} (empty: run to the end);
     * scan the base weights for NaN and infinity first; start afresh over another run's files; only read the inputs and
     * print what the run would do; where each step's gradient is computed.
     */
    public record Options(Resume resume, OptionalLong stopAfter, boolean checkWeights, boolean force, boolean dryRun,
                          StepWorkers.Factory workers) {
        public Options {
            if (stopAfter.isPresent() && stopAfter.getAsLong() <= 0) {
                throw new InputError("--stop-after must be a positive step, got " + stopAfter.getAsLong());
            }
        }

        /** A fresh run to the end, in this process. */
        public static Options fresh() {
            return new Options(new Resume.None(), OptionalLong.empty(), false, false, false, StepWorkers.LOCAL);
        }
    }

    private final RunConfig config;
    private final Options options;
    private final TrainSettings ts;
    private final Path output;
    private final StopSignal stop = new StopSignal();
    /** Steps skipped as non-finite since the last step that updated (train.max_skipped_steps). */
    private int skippedInARow;

    public Trainer(RunConfig config, Options options) {
        this.config = config;
        this.options = options;
        this.ts = config.train();
        this.output = config.output();
    }

    /** Runs (or resumes) training; returns 0 when finished, 130 after Ctrl-C, 143 after SIGTERM (a checkpoint saved). */
    public int run() {
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("model", Path.of(config.model()));
        inputs.put("data.train", config.data().train());
        config.data().valid().ifPresent(v -> inputs.put("data.valid", v));
        config.lora().init().ifPresent(i -> inputs.put("lora.init", i));
        OutputFolder.refuseOverlap("output", output, inputs);
        boolean fresh = options.resume() instanceof Resume.None;
        if (options.dryRun()) {
            System.out.println(DryRun.report(config, RunInputs.read(config), fresh));
            return 0;
        }
        if (fresh) RunFolder.refuseUsed(output, options.force());
        Path firstCreated = firstMissing(output);
        boolean finished = false;
        try (stop; RunLock lock = RunLock.acquire(output)) {
            int status = train(options.resume());
            finished = true;
            return status;
        } finally {
            // A run that failed before writing anything leaves no empty folders behind (the lock is gone by now).
            if (!finished && firstCreated != null) RunFolder.removeEmpty(output, firstCreated);
        }
    }

    /** The outermost folder of {@code dir} that does not exist yet (null when dir exists). */
    private static Path firstMissing(Path dir) {
        Path p = dir.toAbsolutePath().normalize(), missing = null;
        while (p != null && !Files.exists(p)) {
            missing = p;
            p = p.getParent();
        }
        return missing;
    }

    private int train(Resume resume) {
        DataType dtype = ts.dtype().nd4j();
        RunInputs in = RunInputs.read(config);
        List<Example> train = in.train().examples(), valid = in.validExamples();
        Gpt2Weights base = Gpt2Loader.load(in.modelDir(), dtype, options.checkWeights());
        // Printed once the inputs are known to be good, so an input error stays the last thing on screen.
        LOG.info("Resolved config:\n{}", config.toYaml().strip());
        if (options.force() && resume instanceof Resume.None) RunFolder.clear(output);
        AtomicFiles.writeString(output.resolve("config.yaml"), config.toYaml());

        LoraModel model = config.lora().init()
                .map(dir -> LoraModel.load(base, config.lora(), AdapterReader.read(dir).tensors(), dir))
                .orElseGet(() -> LoraModel.create(base, config.lora(), ts.seed()));
        List<Param> params = model.trainable();
        AdamW optimizer = new AdamW(params, ts.beta1(), ts.beta2(), ts.eps(), ts.weightDecay());
        DataOrder order = in.order();
        long total = in.totalSteps();
        LinearSchedule schedule = new LinearSchedule(ts.lr(), ts.warmupSteps(), total);
        CheckpointStore store = new CheckpointStore(output.resolve("checkpoints"));
        store.removeLeftovers();

        RunFingerprint fingerprint = RunFingerprint.of(config);
        long start = resumePoint(resume, store, model, optimizer, fingerprint);
        OptionalDouble bestLoss = start > 0 ? BestAdapter.lossToBeat(output.resolve("best")) : OptionalDouble.empty();
        LOG.info("Training {} of {} parameters ({} adapter tensors) on {} examples: {} steps of {} x {} examples",
                params.stream().mapToLong(p -> p.value().length()).sum(),
                base.params().values().stream().mapToLong(p -> p.value().length()).sum(), params.size(), train.size(),
                total, ts.gradAccum(), ts.batchSize());

        StepGradient gradient = new StepGradient(model, ts.labelSmoothing(), ts.seed());
        StepUpdater updater = new StepUpdater(params, optimizer, ts.clipNorm(), schedule::at, model.model().kernels());
        try (StepWorkers steps = options.workers().open(new StepWorkers.Run(config, in.modelDir(), gradient, train));
             MetricsLog metrics = new MetricsLog(output.resolve("metrics.jsonl"), start);
             TaskProgress progress = new TaskProgress("step", start, total, ts.logEvery(), TaskProgress.isTerminal())) {
            LOG.info("Steps run in {}", steps.describe());
            for (long step = start; step < total; step++) {
                ObjectNode row = trainStep(updater, steps, order, step);
                long done = step + 1;
                boolean last = done == total;
                if (!valid.isEmpty() && (last || (ts.evalEvery() > 0 && done % ts.evalEvery() == 0))) {
                    DatasetLoss.Result v = DatasetLoss.combine(steps.losses(DatasetLoss.batches(valid, ts.batchSize())), valid.size());
                    row.put("valid_loss", v.loss());
                    row.put("valid_perplexity", v.perplexity());
                    if (ts.keepBest() && Double.isFinite(v.loss()) && (bestLoss.isEmpty() || v.loss() < bestLoss.getAsDouble())) {
                        bestLoss = OptionalDouble.of(v.loss());
                        BestAdapter.save(output.resolve("best"), model, config.model(), done, v.loss());
                        progress.message(String.format("step %d: best validation loss so far; adapter kept in %s", done,
                                output.resolve("best")));
                    }
                    progress.message(String.format("step %d: valid loss %.4f (perplexity %.2f)", done, v.loss(), v.perplexity()));
                }
                metrics.append(row);
                progress.update(done, String.format("loss %.4f lr %.2e %.0f tok/s", row.get("loss").asDouble(),
                        row.get("lr").asDouble(), row.get("tokens_per_s").asDouble()));
                boolean interrupted = stop.requested(), planned = options.stopAfter().orElse(-1) == done && !last;
                if (last || interrupted || planned || (ts.saveEvery() > 0 && done % ts.saveEvery() == 0)) {
                    Checkpoint c = Checkpoint.save(store.dir(), done, total, model, optimizer, config.model(), fingerprint);
                    store.prune(ts.saveTotalLimit());
                    if (interrupted || planned) {
                        progress.message("Stopped after step " + done + "; saved " + c.dir()
                                + "; continue with: lora train <config> --resume");
                        return interrupted ? stop.exitStatus() : 0;
                    }
                }
            }
        }
        AdapterFiles.write(output.resolve("adapter"), model, config.model());
        LossChart.write(output.resolve("metrics.jsonl"), output.resolve("loss.png"));
        LOG.info("Adapter written to {}", output.resolve("adapter"));
        return 0;
    }

    /** One optimiser step over its micro-batches; returns its metrics row. */
    private ObjectNode trainStep(StepUpdater updater, StepWorkers steps, DataOrder order, long step) {
        long t0 = System.nanoTime();
        List<int[]> micro = List.of(order.microBatches(step));
        StepUpdater.Result r = updater.step(step, micro.size(), () -> steps.contribute(step, micro));
        if (!r.paramsFinite()) {
            throw new InputError("step " + (step + 1) + ": the update made the adapter's parameters NaN or infinite (train.lr="
                    + ts.lr() + " is likely too large); stopped without saving them. Lower train.lr or set train.clip_norm");
        }
        ObjectNode row = MetricsLog.row();
        row.put("step", step + 1);
        row.put("epoch", order.epochOf(step) + 1);
        row.put("loss", r.loss());
        row.put("lr", r.lr());
        row.put("grad_norm", r.gradNorm());
        if (r.skipped()) {
            if (!ts.skipNonfinite()) {
                throw new InputError("step " + (step + 1) + ": the " + (Double.isFinite(r.loss()) ? "gradient norm" : "loss")
                        + " is not finite; stopped without saving over the last checkpoint. Lower train.lr, set "
                        + "train.clip_norm, or set train.skip_nonfinite: true to skip such steps");
            }
            row.put("skipped", true);
            LOG.warn("step {}: non-finite loss or gradient, step skipped (train.skip_nonfinite)", step + 1);
            if (++skippedInARow >= ts.maxSkippedSteps()) {
                throw new InputError("steps " + (step + 2 - skippedInARow) + " to " + (step + 1) + " were all skipped as non-finite"
                        + " (train.max_skipped_steps=" + ts.maxSkippedSteps() + "); the run is not training: lower train.lr or"
                        + " set train.clip_norm");
            }
        } else {
            skippedInARow = 0;
        }
        row.put("tokens_per_s", r.tokens() / ((System.nanoTime() - t0) / 1e9));
        return row;
    }

    private long resumePoint(Resume resume, CheckpointStore store, LoraModel model, AdamW optimizer, RunFingerprint fingerprint) {
        Optional<Checkpoint> from = Optional.empty();
        if (resume instanceof Resume.Latest) {
            from = store.latestVerified();
            if (from.isEmpty()) throw new InputError(store.dir() + ": no checkpoint to resume from; start without --resume");
        } else if (resume instanceof Resume.From f) {
            from = Optional.of(CheckpointStore.open(f.checkpoint()));
        }
        if (from.isEmpty()) return 0;
        JsonNode made = from.get().trainerState().get("run");
        if (made != null) {
            String differences = fingerprint.differencesFrom(RunFingerprint.read(made));
            if (!differences.isEmpty()) {
                throw new InputError(from.get().dir() + " was made with another config (" + differences + "); resume with the"
                        + " checkpoint's config, or start this one afresh with --force");
            }
        }
        from.get().restore(model, optimizer);
        LOG.info("Resuming from {} (step {})", from.get().dir(), from.get().step());
        return from.get().step();
    }
}
