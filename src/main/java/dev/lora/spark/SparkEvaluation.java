package dev.lora.spark;

import dev.lora.data.Example;
import dev.lora.eval.DatasetLoss;
import dev.lora.eval.EvalWorkers;
import dev.lora.eval.Evaluation;
import dev.lora.eval.generate.GenerationSettings;
import dev.lora.eval.generate.Generator;
import dev.lora.io.ModelResolver;
import dev.lora.adapter.formats.AdapterReader;
import dev.lora.model.Gpt2Loader;
import dev.lora.model.Gpt2Model;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.api.buffer.DataType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * {@code lora eval --spark MASTER}: the loss batches and the decoding batches are spread over the executors, each
 * computed on an executor's cached copy of the model, and gathered in batch order; metrics are computed on the
 * driver. A batch's result depends only on the batch, so the outputs are those of one process.
 */
public final class SparkEvaluation implements EvalWorkers {
    private final JavaSparkContext spark;
    private final Spec spec;
    private final int tasks;

    /**
     * The model an executor loads: base model (as executors find it), adapter folder, dtype, the driver's geometry,
     * and whether to scan the weights for NaN and infinity first (--check-weights: each executor scans its copy).
     */
    record Spec(String model, String adapter, DataType dtype, String geometry, boolean checkWeights) implements ModelSource {
        @Override
        public <R> R withModel(Function<Gpt2Model, R> work) {
            try (Replicas.Lease<Gpt2Model> lease = Replicas.borrow(this, Spec::load)) {
                return work.apply(lease.model());
            }
        }

        Gpt2Model load() {
            Path dir = ModelResolver.fromEnvironment().resolve(model);
            ReplicaSpec.requireGeometry(dir, geometry, Gpt2Loader.readConfig(dir));
            return Evaluation.loadModel(dir, Optional.ofNullable(adapter).map(Path::of), dtype, checkWeights);
        }
    }

    private SparkEvaluation(JavaSparkContext spark, Spec spec) {
        this.spark = spark;
        this.spec = spec;
        this.tasks = Math.max(1, spark.defaultParallelism());
    }

    /** Workers for {@code lora eval --spark MASTER}; {@code executorModel}: the base model as executors find it (null: the driver's). */
    public static EvalWorkers.Factory on(String master, String executorModel) {
        SparkCluster.resolve(master);
        return m -> {
            // Read here too, so a bad adapter is one line from the driver rather than a failed job.
            m.adapter().ifPresent(AdapterReader::read);
            Spec spec = new Spec(SparkCluster.executorModel(executorModel, m.name(), m.dir()),
                    m.adapter().map(a -> a.toAbsolutePath().toString()).orElse(null), m.dtype(),
                    Gpt2Loader.readConfig(m.dir()).toString(), m.checkWeights());
            return new SparkEvaluation(SparkCluster.connect(master, "lora eval"), spec);
        };
    }

    @Override
    public List<DatasetLoss.BatchLoss> losses(List<List<Example>> batches) {
        return SparkLosses.of(spark, tasks, batches, spec, "the loss");
    }

    @Override
    public List<List<int[]>> decode(List<Generator.PromptBatch> batches, GenerationSettings settings, IntConsumer progress) {
        Spec s = spec;
        List<List<int[]>> out = new ArrayList<>();
        int done = 0;
        // A job per round of one batch per task, so progress shows between rounds.
        for (int from = 0; from < batches.size(); from += tasks) {
            List<Generator.PromptBatch> round = batches.subList(from, Math.min(batches.size(), from + tasks));
            List<ArrayList<int[]>> outputs = SparkCluster.job(spark, "decoding", () -> spark.parallelize(new ArrayList<>(round), round.size())
                    .map(b -> s.withModel(m -> {
                        // As in one process: the loss ran on the weights as loaded, decoding on this layout (each
                        // replica has weights of its own, and one task at a time).
                        m.weights().layOutForDecoding();
                        return new ArrayList<>(Generator.decode(m, b, settings));
                    })).collect());
            out.addAll(outputs);
            for (Generator.PromptBatch b : round) done += b.ids().length;
            progress.accept(done);
        }
        return out;
    }

    @Override
    public void close() {
        SparkCluster.stop(spark);
    }
}
