package dev.lora.train;

import dev.lora.config.RunConfig;
import dev.lora.data.Example;
import dev.lora.eval.DatasetLoss;
import dev.lora.adapter.LoraModel;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a step's gradient is computed: in this process ({@link #local}), or spread over a cluster's workers
 * (dev.lora.spark). Either way the step's gradient ends up in the driver model's gradients with the step's global
 * scaling ({@link StepGradient}), and the driver updates ({@link StepUpdater}), checkpoints and logs as it always does.
 */
public interface StepWorkers extends AutoCloseable {
    /**
     * Adds the gradient of step {@code step}'s micro-batches (each the indices of its examples in the run's training
     * data) to the trainable parameters' gradients and returns the loss and tokens they carry.
     */
    StepGradient.Contribution contribute(long step, List<int[]> microBatches);

    /** Each batch's summed loss and tokens under the driver's current adapter, dropout off, in batch order. */
    List<DatasetLoss.BatchLoss> losses(List<List<Example>> batches);

    /** Where steps run, for the log (e.g. "this process", "Spark local[2]: 2 tasks per step"). */
    String describe();

    @Override
    void close();

    /** What workers need to know about the run: the config, the resolved base model folder, the driver's gradient, the training data. */
    record Run(RunConfig config, Path modelDir, StepGradient gradient, List<Example> train) {
        public LoraModel model() {
            return gradient.model();
        }
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
            public StepGradient.Contribution contribute(long step, List<int[]> microBatches) {
                return run.gradient().add(step, StepGradient.shards(run.train(), microBatches, 0, 1), microBatches.size());
            }

            @Override
            public List<DatasetLoss.BatchLoss> losses(List<List<Example>> batches) {
                return batches.stream().map(b -> DatasetLoss.ofBatch(run.model().model(), b)).toList();
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
