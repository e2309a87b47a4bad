package dev.lora.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lora.config.RunConfig;
import dev.lora.config.TrainSettings;
import dev.lora.data.Dataset;
import dev.lora.data.DatasetReader;
import dev.lora.data.Example;
import dev.lora.eval.DatasetLoss;
import dev.lora.eval.TaskProgress;
import dev.lora.io.AtomicFiles;
import dev.lora.io.InputError;
import dev.lora.io.ModelResolver;
import dev.lora.io.OutputFolder;
import dev.lora.lora.AdapterFiles;
import dev.lora.lora.LoraModel;
import dev.lora.lora.formats.AdapterReader;
import dev.lora.model.Gpt2Config;
import dev.lora.model.Gpt2Loader;
import dev.lora.model.Gpt2Weights;
import dev.lora.model.Param;
import dev.lora.tokenizer.Gpt2Tokenizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Stream;

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

    private final RunConfig config;
    private final TrainSettings ts;
    private final Path output;
    private final StopSignal stop = new StopSignal();
    private long stopAfter = Long.MAX_VALUE;
    private boolean checkWeights;
    private boolean force;
    private boolean dryRun;
    private StepWorkers.Factory workers = StepWorkers.LOCAL;
    /** Steps skipped as non-finite since the last step that updated (train.max_skipped_steps). */
    private int skippedInARow;

    public Trainer(RunConfig config) {
        this.config = config;
        this.ts = config.train();
        this.output = config.output();
    }

    /** Runs (or resumes) training; returns 0 when finished, 130 after Ctrl-C, 143 after SIGTERM (a checkpoint saved). */
    public int run(Resume resume) {
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("model", Path.of(config.model()));
        inputs.put("data.train", config.data().train());
        config.data().valid().ifPresent(v -> inputs.put("data.valid", v));
        config.lora().init().ifPresent(i -> inputs.put("lora.init", i));
        OutputFolder.refuseOverlap("output", output, inputs);
        if (dryRun) return describe(resume);
        if (resume instanceof Resume.None) RunFolder.refuseUsed(output, force);
        Path firstCreated = firstMissing(output);
        boolean finished = false;
        try (stop; RunLock lock = RunLock.acquire(output)) {
            int status = train(resume);
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

    /** Scans the base weights for NaN and infinity before training. */
    public Trainer checkWeights(boolean on) {
        this.checkWeights = on;
        return this;
    }

    /** Only reads the inputs and prints what the run would do (see {@link #describe}); writes nothing. */
    public Trainer dryRun(boolean on) {
        this.dryRun = on;
        return this;
    }

    /** A fresh run replaces the previous run's files in its output folder instead of refusing to start. */
    public Trainer force(boolean on) {
        this.force = on;
        return this;
    }

    /** Where each step's gradient is computed (default: this process). */
    public Trainer workers(StepWorkers.Factory factory) {
        this.workers = factory;
        return this;
    }

    /** Stops after optimiser step {@code step} with a checkpoint (null: run to the end). */
    public Trainer stopAfter(Long step) {
        if (step != null && step <= 0) throw new InputError("--stop-after must be a positive step, got " + step);
        this.stopAfter = step == null ? Long.MAX_VALUE : step;
        return this;
    }

    private DataOrder order(List<Example> train) {
        int[] lengths = ts.groupByLength() ? train.stream().mapToInt(Example::length).toArray() : null;
        return new DataOrder(train.size(), ts.batchSize(), ts.gradAccum(), ts.shuffle(), ts.seed(), lengths);
    }

    /** What a run reads before its weights: the model folder and geometry, the tokenised data, the data order. */
    private record Inputs(Path modelDir, Gpt2Config geometry, Dataset train, Optional<Dataset> valid, DataOrder order,
                          long totalSteps, int longest) {
        List<Example> validExamples() {
            return valid.map(Dataset::examples).orElse(List.of());
        }
    }

    private Inputs inputs() {
        Path modelDir = ModelResolver.fromEnvironment().resolve(config.model());
        Gpt2Config geometry = Gpt2Loader.readConfig(modelDir);
        config.requireMaxSeqLenWithin(geometry.nPositions());
        Gpt2Tokenizer tokenizer = Gpt2Tokenizer.forModelFolder(modelDir);
        int maxSeqLen = config.data().maxSeqLen();
        Dataset train = DatasetReader.read(config.data().train(), tokenizer, maxSeqLen);
        Optional<Dataset> valid = config.data().valid().map(v -> DatasetReader.read(v, tokenizer, maxSeqLen));
        for (Dataset d : Stream.concat(Stream.of(train), valid.stream()).toList()) {
            if (d.truncated() > 0) {
                LOG.warn("{}: {} of {} examples are longer than data.max_seq_len={} and lose context tokens from the left",
                        d.file(), d.truncated(), d.size(), maxSeqLen);
            }
        }
        // Memory and disk are checked before the (possibly large) weights are read, so a run that cannot fit fails at once.
        int longest = Stream.concat(train.examples().stream(), valid.stream().flatMap(d -> d.examples().stream()))
                .mapToInt(Example::length).max().orElse(2);
        Preflight.check(config, geometry, longest);
        DataOrder order = order(train.examples());
        long total = ts.maxSteps().isPresent() ? ts.maxSteps().getAsInt() : (long) ts.epochs() * order.stepsPerEpoch();
        if (ts.keepBest() && valid.isEmpty()) {
            throw new InputError("train.keep_best needs data.valid: the best adapter is the one with the lowest validation loss");
        }
        if (ts.warmupSteps() >= total) {
            LOG.warn("train.warmup_steps={} covers the whole run of {} steps: the learning rate never reaches train.lr={};"
                    + " lower train.warmup_steps", ts.warmupSteps(), total, ts.lr());
        }
        return new Inputs(modelDir, geometry, train, valid, order, total, longest);
    }

    /**
     * {@code --dry-run}: the resolved config, the step count and how it follows from the config, the examples, the
     * parameter counts and the memory and disk estimates, on stdout; the weights are not read and nothing is written.
     */
    private int describe(Resume resume) {
        Inputs in = inputs();
        Preflight.Estimate e = Preflight.estimate(config, in.geometry(), in.longest());
        long trainable = Preflight.trainableParameters(config.lora(), in.geometry()), base = Preflight.baseParameters(in.geometry());
        DataOrder order = in.order();
        StringBuilder out = new StringBuilder("Resolved config:\n").append(config.toYaml().strip()).append("\n\n");
        out.append(String.format(Locale.ROOT, "steps: %d (%s; %d examples per step: batch_size %d x grad_accum %d)%n",
                in.totalSteps(), ts.maxSteps().isPresent() ? "train.max_steps" : ts.epochs() + " epochs of " + order.stepsPerEpoch()
                        + " steps", ts.batchSize() * ts.gradAccum(), ts.batchSize(), ts.gradAccum()));
        out.append(String.format(Locale.ROOT, "examples: %d for training (%d cut to data.max_seq_len=%d)%s; longest %d tokens%n",
                in.train().size(), in.train().truncated(), config.data().maxSeqLen(),
                in.valid().map(v -> ", " + v.size() + " for validation").orElse(""), in.longest()));
        out.append(String.format(Locale.ROOT, "parameters: %,d trainable of %,d in the base model (%.3f%%)%n", trainable, base,
                100.0 * trainable / base));
        out.append(String.format(Locale.ROOT, "memory: about %s (weights %s, activations %s); each checkpoint about %s%n",
                Preflight.size(e.memory()), Preflight.size(e.weights()), Preflight.size(e.activations()), Preflight.size(e.checkpoint())));
        List<String> used = RunFolder.present(output);
        out.append("output: ").append(output);
        if (!used.isEmpty() && resume instanceof Resume.None) out.append(" (holds another run: a real run needs --resume or --force)");
        System.out.println(out);
        return 0;
    }

    private int train(Resume resume) {
        DataType dtype = ts.dtype().nd4j();
        Inputs in = inputs();
        List<Example> train = in.train().examples(), valid = in.validExamples();
        Gpt2Weights base = Gpt2Loader.load(in.modelDir(), dtype, checkWeights);
        // Printed once the inputs are known to be good, so an input error stays the last thing on screen.
        LOG.info("Resolved config:\n{}", config.toYaml().strip());
        if (force && resume instanceof Resume.None) RunFolder.clear(output);
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

        StepRunner runner = new StepRunner(model, optimizer, ts.labelSmoothing(), ts.clipNorm(), ts.seed());
        try (StepWorkers steps = workers.open(new StepWorkers.Run(config, in.modelDir(), model, runner));
             MetricsLog metrics = new MetricsLog(output.resolve("metrics.jsonl"), start);
             TaskProgress progress = new TaskProgress("step", start, total, ts.logEvery(), TaskProgress.isTerminal())) {
            LOG.info("Steps run in {}", steps.describe());
            for (long step = start; step < total; step++) {
                ObjectNode row = trainStep(runner, steps, order, train, step, schedule.at(step));
                long done = step + 1;
                boolean last = done == total;
                if (!valid.isEmpty() && (last || (ts.evalEvery() > 0 && done % ts.evalEvery() == 0))) {
                    DatasetLoss.Result v = steps.loss(valid, ts.batchSize());
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
                boolean interrupted = stop.requested(), planned = done == stopAfter && !last;
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
    private ObjectNode trainStep(StepRunner runner, StepWorkers steps, DataOrder order, List<Example> train, long step, double lr) {
        long t0 = System.nanoTime();
        List<StepWorkers.MicroBatch> micro = new ArrayList<>();
        for (int[] indices : order.microBatches(step)) {
            List<Example> examples = new ArrayList<>();
            for (int idx : indices) examples.add(train.get(idx));
            micro.add(new StepWorkers.MicroBatch(examples, indices));
        }
        StepRunner.Result r = runner.run(micro.size(), lr, () -> steps.contribute(step, micro));
        if (!r.paramsFinite()) {
            throw new InputError("step " + (step + 1) + ": the update made the adapter's parameters NaN or infinite (train.lr="
                    + ts.lr() + " is likely too large); stopped without saving them. Lower train.lr or set train.clip_norm");
        }
        ObjectNode row = MetricsLog.row();
        row.put("step", step + 1);
        row.put("epoch", order.epochOf(step) + 1);
        row.put("loss", r.loss());
        row.put("lr", lr);
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
            Path dir = f.checkpoint();
            String name = dir.getFileName().toString();
            if (!Files.isDirectory(dir) || !name.matches("step-\\d+")) {
                throw new InputError(dir + ": not a checkpoint folder (expected .../checkpoints/step-N)");
            }
            Checkpoint c = new Checkpoint(dir, Long.parseLong(name.substring(5)));
            c.verify();
            from = Optional.of(c);
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
