package dev.lora.spark;

import dev.lora.data.Batch;
import dev.lora.data.Example;
import dev.lora.lora.LoraModel;
import dev.lora.model.Param;
import dev.lora.train.AdamW;
import dev.lora.train.StepRunner;
import org.apache.spark.TaskContext;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * One task of a training step: the gradient contribution of some of the step's examples, computed on a replica of
 * the model with the driver's current adapter values. A pure function of its fields, so Spark may run it anywhere
 * and again after a failure.
 *
 * @param shards           per micro-batch this task has examples of: those examples and the micro-batch's loss tokens
 * @param microBatches     micro-batches in the whole step (the step's mean is over them)
 * @param adapter          the driver's trainable tensors, their current values
 * @param failFirstAttempt a test's injected failure: the first attempt of this task throws
 */
record StepTask(ReplicaSpec spec, long step, int microBatches, AdapterValues adapter, List<ShardData> shards,
                boolean failFirstAttempt) implements Serializable {

    /** Examples of one micro-batch: their tokens, where each completion starts, their indices in the data. */
    record ShardData(int[][] tokens, int[] completionStarts, int[] keys, int microBatchLossTokens) implements Serializable {
        static ShardData of(List<Example> examples, int[] keys, int microBatchLossTokens) {
            int[][] tokens = examples.stream().map(Example::tokens).toArray(int[][]::new);
            int[] starts = examples.stream().mapToInt(Example::completionStart).toArray();
            return new ShardData(tokens, starts, keys, microBatchLossTokens);
        }

        StepRunner.Shard shard() {
            List<Example> examples = new ArrayList<>();
            for (int i = 0; i < tokens.length; i++) examples.add(new Example(tokens[i], completionStarts[i]));
            return new StepRunner.Shard(Batch.of(examples, keys), microBatchLossTokens);
        }
    }

    /** What a task sends back: its part of the step's loss, its real tokens, its gradient per trainable parameter. */
    record Part(double loss, long tokens, List<Values> grads) implements Serializable {
    }

    Part run() {
        TaskContext ctx = TaskContext.get();
        if (failFirstAttempt && ctx != null && ctx.attemptNumber() == 0) {
            throw new IllegalStateException("failure injected into the first attempt of step " + (step + 1) + "'s task");
        }
        try (Replicas.Lease<Replica> lease = replica(spec)) {
            LoraModel model = lease.model().model;
            adapter.assignTo(model);
            List<StepRunner.Shard> work = shards.stream().map(ShardData::shard).toList();
            StepRunner.Contribution c = lease.model().runner.contributeAlone(step, work, microBatches);
            List<Values> grads = new ArrayList<>();
            for (Param p : model.trainable()) grads.add(Values.of(p.grad()));
            return new Part(c.loss(), c.tokens(), grads);
        }
    }

    /** A replica for {@code spec} from this JVM's cache, lent until the lease is closed. */
    static Replicas.Lease<Replica> replica(ReplicaSpec spec) {
        return Replicas.borrow(spec, Replica::new);
    }

    /** A cached model and the step runner that computes contributions on it (its optimiser is never stepped). */
    static final class Replica {
        final LoraModel model;
        final StepRunner runner;

        Replica(ReplicaSpec spec) {
            this.model = spec.load();
            // Only contribute() runs here: the optimiser and clipping are the driver's, these are placeholders.
            this.runner = new StepRunner(model, new AdamW(model.trainable(), 0.9, 0.999, 1e-8, 0), spec.labelSmoothing(), 0, spec.seed());
        }
    }
}
