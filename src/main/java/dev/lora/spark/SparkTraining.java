package dev.lora.spark;

import dev.lora.data.Example;
import dev.lora.eval.DatasetLoss;
import dev.lora.model.Gpt2Config;
import dev.lora.model.Param;
import dev.lora.train.StepRunner;
import dev.lora.train.StepWorkers;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Data-parallel training on Spark, the way MLlib runs gradient descent: the driver keeps the training loop (data
 * order, schedule, AdamW, clipping, checkpoints, metrics, resume) and each optimiser step is one Spark job. Its
 * tasks each take a slice of every micro-batch, compute that slice's gradient with the step's global scaling on a
 * cached replica of the model (StepTask), and send it back; the driver adds the tasks' gradients in task order and
 * steps. Dropout masks are a function of (seed, step, example), so the step does not depend on how its examples are
 * spread over tasks.
 */
public final class SparkTraining implements StepWorkers {
    private final JavaSparkContext spark;
    private final String master;
    private final StepWorkers.Run run;
    private final ReplicaSpec spec;
    private final int tasks;
    private final FailOnce failOnce;

    /** A test's injected fault: the first attempt of task {@code task} of step {@code step} (1-based) fails. */
    public record FailOnce(long step, int task) {
    }

    private SparkTraining(JavaSparkContext spark, String master, StepWorkers.Run run, String executorModel, FailOnce failOnce) {
        this.spark = spark;
        this.master = master;
        this.run = run;
        Gpt2Config geometry = run.model().model().config();
        DataType dtype = run.model().model().dtype();
        this.spec = ReplicaSpec.of(SparkCluster.executorModel(executorModel, run.config().model(), run.modelDir()), dtype, geometry,
                run.model().settings(), run.config().train().labelSmoothing(), run.config().train().seed());
        this.tasks = Math.max(1, spark.defaultParallelism());
        this.failOnce = failOnce;
    }

    /**
     * Workers for {@code lora train --spark MASTER}; {@code executorModel} is the base model as executors find it
     * (null: where the driver found it); {@code failOnce} injects a failure (tests; null: none).
     */
    public static StepWorkers.Factory on(String master, String executorModel, FailOnce failOnce) {
        SparkCluster.resolve(master); // a bad master fails before the model is loaded
        return run -> new SparkTraining(SparkCluster.connect(master, "lora train " + run.config().output()), master, run,
                executorModel, failOnce);
    }

    @Override
    public StepRunner.Contribution contribute(long step, List<MicroBatch> microBatches) {
        List<Param> trainable = run.model().trainable();
        AdapterValues adapter = AdapterValues.of(trainable);
        List<StepTask> work = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            List<StepTask.ShardData> shards = new ArrayList<>();
            for (MicroBatch m : microBatches) {
                int n = m.examples().size(), from = (int) ((long) n * t / tasks), to = (int) ((long) n * (t + 1) / tasks);
                if (from == to) continue;
                int lossTokens = m.examples().stream().mapToInt(Example::lossTokens).sum();
                shards.add(StepTask.ShardData.of(m.examples().subList(from, to), Arrays.copyOfRange(m.indices(), from, to), lossTokens));
            }
            boolean fail = failOnce != null && failOnce.step() == step + 1 && failOnce.task() == work.size();
            if (!shards.isEmpty()) {
                work.add(new StepTask(spec, step, microBatches.size(), adapter, new ArrayList<>(shards), fail));
            }
        }
        List<StepTask.Part> parts = SparkCluster.job(spark, "step " + (step + 1),
                () -> spark.parallelize(work, work.size()).map(StepTask::run).collect());
        // Task order, whatever order the tasks finished in: the sum is the same every run.
        StepRunner.Contribution total = new StepRunner.Contribution(0, 0);
        for (StepTask.Part part : parts) {
            for (int i = 0; i < trainable.size(); i++) trainable.get(i).grad().addi(part.grads().get(i).toArray());
            total = total.plus(new StepRunner.Contribution(part.loss(), part.tokens()));
        }
        return total;
    }

    /** The validation loss: DatasetLoss's batches split into contiguous runs, one per task, summed in batch order. */
    @Override
    public DatasetLoss.Result loss(List<Example> examples, int batchSize) {
        AdapterValues adapter = AdapterValues.of(run.model().trainable());
        List<List<Example>> batches = DatasetLoss.batches(examples, batchSize);
        List<LossTask> work = new ArrayList<>();
        int n = Math.min(tasks, batches.size());
        for (int t = 0; t < n; t++) {
            List<ArrayList<Example>> part = new ArrayList<>();
            for (List<Example> b : batches.subList(batches.size() * t / n, batches.size() * (t + 1) / n)) part.add(new ArrayList<>(b));
            work.add(new LossTask(spec, adapter, part));
        }
        List<DatasetLoss.BatchLoss> parts = new ArrayList<>();
        if (!work.isEmpty()) {
            SparkCluster.job(spark, "the validation loss", () -> spark.parallelize(work, work.size()).map(LossTask::run).collect())
                    .forEach(parts::addAll);
        }
        return DatasetLoss.combine(parts, examples.size());
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "Spark %s (%s): up to %d tasks per step", master, spark.master(), tasks);
    }

    @Override
    public void close() {
        SparkCluster.stop(spark);
    }
}
