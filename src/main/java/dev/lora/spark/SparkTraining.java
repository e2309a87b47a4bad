package dev.lora.spark;

import dev.lora.data.Example;
import dev.lora.eval.DatasetLoss;
import dev.lora.model.Gpt2Config;
import dev.lora.model.Param;
import dev.lora.train.StepGradient;
import dev.lora.train.StepWorkers;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Data-parallel training on Spark, the way MLlib runs gradient descent: the driver keeps the training loop (data
 * order, schedule, AdamW, clipping, checkpoints, metrics, resume) and each optimiser step is one Spark job. The
 * training examples are broadcast once per run and the adapter once per step (as MLlib broadcasts its weights); the
 * tasks carry indices, each takes a slice of every micro-batch, computes that slice's gradient with the step's global
 * scaling on a cached replica of the model (StepTask), and sends it back; the driver adds the tasks' gradients in
 * task order and steps. Dropout masks are a function of (seed, step, module, example), so the step does not depend on how its examples are
 * spread over tasks.
 */
public final class SparkTraining implements StepWorkers {
    private final JavaSparkContext spark;
    private final String master;
    private final StepWorkers.Run run;
    private final ReplicaSpec spec;
    private final int tasks;
    private final FailOnce failOnce;
    /** The training examples, placed on the executors once; each step's tasks carry indices into them. */
    private final Broadcast<ArrayList<Example>> train;

    /** A test's injected fault: the first attempt of task {@code task} of step {@code step} (1-based) fails. */
    public record FailOnce(long step, int task) {
    }

    private SparkTraining(JavaSparkContext spark, String master, StepWorkers.Run run, String executorModel, FailOnce failOnce) {
        this.spark = spark;
        this.master = master;
        this.run = run;
        Gpt2Config geometry = run.model().model().config();
        // The dtype the replicas load the model in (bfloat16 included), not the model's compute type.
        DataType dtype = run.config().train().dtype().nd4j();
        this.spec = ReplicaSpec.of(SparkCluster.executorModel(executorModel, run.config().model(), run.modelDir()), dtype, geometry,
                run.model().settings(), run.config().train().labelSmoothing(), run.config().train().seed());
        this.tasks = Math.max(1, spark.defaultParallelism());
        this.failOnce = failOnce;
        this.train = spark.broadcast(new ArrayList<>(run.train()));
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

    /** One Spark job: the adapter broadcast once, a task per slice of the micro-batches, gradients added in task order. */
    @Override
    public StepGradient.Contribution contribute(long step, List<int[]> microBatches) {
        List<Param> trainable = run.model().trainable();
        Broadcast<AdapterValues> adapter = spark.broadcast(AdapterValues.of(trainable));
        try {
            List<StepTask> work = new ArrayList<>();
            for (int t = 0; t < tasks; t++) {
                if (!StepGradient.hasWork(microBatches, t, tasks)) continue;
                boolean fail = failOnce != null && failOnce.step() == step + 1 && failOnce.task() == work.size();
                work.add(new StepTask(spec, step, new ArrayList<>(microBatches), t, tasks, adapter, train, fail));
            }
            List<StepTask.Part> parts = SparkCluster.job(spark, "step " + (step + 1),
                    () -> spark.parallelize(work, work.size()).map(StepTask::run).collect());
            // Task order, whatever order the tasks finished in: the sum is the same every run.
            StepGradient.Contribution total = new StepGradient.Contribution(0, 0);
            for (StepTask.Part part : parts) {
                for (int i = 0; i < trainable.size(); i++) trainable.get(i).grad().addi(part.grads().get(i).toArray());
                total = total.plus(new StepGradient.Contribution(part.loss(), part.tokens()));
            }
            return total;
        } finally {
            adapter.destroy();
        }
    }

    /** The validation loss, on training replicas given the driver's current adapter (SparkLosses, as lora eval --spark). */
    @Override
    public List<DatasetLoss.BatchLoss> losses(List<List<Example>> batches) {
        Broadcast<AdapterValues> adapter = spark.broadcast(AdapterValues.of(run.model().trainable()));
        try {
            return SparkLosses.of(spark, tasks, batches, new StepTask.Validation(spec, adapter), "the validation loss");
        } finally {
            adapter.destroy();
        }
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
