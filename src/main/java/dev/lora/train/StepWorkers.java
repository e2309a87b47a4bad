package dev.lora.train;

import dev.lora.config.RunConfig;
import dev.lora.data.Batch;
import dev.lora.data.Example;
import dev.lora.eval.DatasetLoss;
import dev.lora.lora.LoraModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a step's gradient is computed: in this process ({@link #local}), or spread over a cluster's workers
 * (dev.lora.spark). Either way the step's gradient ends up in the driver model's gradients with the step's global
 * scaling, and the driver clips, steps AdamW, checkpoints and logs as it always does.
 */
public interface StepWorkers extends AutoCloseable {
    /** A micro-batch's examples and their indices in the training data (which key their dropout masks). */
    record MicroBatch(List<Example> examples, int[] indices) {
        public Batch batch() {
            return Batch.of(examples, indices);
        }
    }

    /**
     * Adds the gradient of step {@code step}'s micro-batches (token mean within each, mean over them) to the
     * trainable parameters' gradients and returns the loss and tokens they carry.
     */
    StepRunner.Contribution contribute(long step, List<MicroBatch> microBatches);

    /**
     * The mean loss of {@code examples} under the driver's current adapter, dropout off, in batches of
     * {@code batchSize} (DatasetLoss's batches, summed in batch order): the validation loss.
     */
    DatasetLoss.Result loss(List<Example> examples, int batchSize);

    /** Where steps run, for the log (e.g. "this process", "Spark local[2]: 2 tasks per step"). */
    String describe();

    @Override
    void close();

    /** What workers need to know about the run: the config, the resolved base model folder, the driver's model. */
    record Run(RunConfig config, Path modelDir, LoraModel model, StepRunner runner) {
    }

    /** Opens the workers for a run (a Spark context, say) once its model is loaded. */
    @FunctionalInterface
    interface Factory {
        StepWorkers open(Run run);
    }

    /** Every micro-batch computed here, by the driver's own model. */
    Factory LOCAL = StepWorkers::local;

    static StepWorkers local(Run run) {
        return new StepWorkers() {
            @Override
            public StepRunner.Contribution contribute(long step, List<MicroBatch> microBatches) {
                List<StepRunner.Shard> whole = new ArrayList<>();
                for (MicroBatch m : microBatches) {
                    Batch b = m.batch();
                    whole.add(new StepRunner.Shard(b, b.lossTokens()));
                }
                return run.runner().contribute(step, whole, microBatches.size());
            }

            @Override
            public DatasetLoss.Result loss(List<Example> examples, int batchSize) {
                run.model().dropout().eval();
                return DatasetLoss.of(run.model().model(), examples, batchSize, n -> {
                });
            }

            @Override
            public String describe() {
                return "this process";
            }

            @Override
            public void close() {
            }
        };
    }
}
