package dev.lora.spark;

import dev.lora.data.Example;
import dev.lora.adapter.LoraModel;
import dev.lora.model.Gpt2Model;
import dev.lora.model.Param;
import dev.lora.train.StepGradient;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One task of a training step: the gradient contribution of its slice of every micro-batch, computed on a replica of
 * the model with the driver's current adapter. The adapter and the training examples arrive as broadcasts (the
 * examples once per run, the adapter once per step); the task itself carries only indices. A pure function of its
 * fields, so Spark may run it anywhere and again after a failure.
 *
 * @param microBatches     the step's micro-batches, each the indices of its examples in the training data
 * @param task             which slice of every micro-batch this task takes, of {@code tasks}
 * @param failFirstAttempt a test's injected failure: the first attempt of this task throws
 */
record StepTask(ReplicaSpec spec, long step, ArrayList<int[]> microBatches, int task, int tasks,
                Broadcast<AdapterValues> adapter, Broadcast<ArrayList<Example>> train, boolean failFirstAttempt)
        implements Serializable {

    /** What a task sends back: its part of the step's loss, its real tokens, its gradient per trainable parameter. */
    record Part(double loss, long tokens, List<Values> grads) implements Serializable {
    }

    Part run() {
        TaskContext ctx = TaskContext.get();
        if (failFirstAttempt && ctx != null && ctx.attemptNumber() == 0) {
            throw new IllegalStateException("failure injected into the first attempt of step " + (step + 1) + "'s task");
        }
        try (Replicas.Lease<Replica> lease = replica(spec)) {
            StepGradient gradient = lease.model().gradient;
            LoraModel model = gradient.model();
            adapter.value().assignTo(model);
            List<StepGradient.Shard> shards = StepGradient.shards(train.value(), microBatches, task, tasks);
            StepGradient.Contribution c = gradient.addAlone(step, shards, microBatches.size());
            List<Values> grads = new ArrayList<>();
            for (Param p : model.trainable()) grads.add(Values.of(p.grad()));
            return new Part(c.loss(), c.tokens(), grads);
        }
    }

    /** A replica for {@code spec} from this JVM's cache, lent until the lease is closed. */
    static Replicas.Lease<Replica> replica(ReplicaSpec spec) {
        return Replicas.borrow(spec, Replica::new);
    }

    /** A cached model and the gradient half of a step on it; the update is the driver's alone. */
    static final class Replica {
        final StepGradient gradient;

        Replica(ReplicaSpec spec) {
            this.gradient = new StepGradient(spec.load(), spec.labelSmoothing(), spec.seed());
        }
    }

    /** Training replicas with the driver's current adapter (loss passes drop nothing): the validation loss's models. */
    record Validation(ReplicaSpec spec, Broadcast<AdapterValues> adapter) implements ModelSource {
        @Override
        public <R> R withModel(Function<Gpt2Model, R> work) {
            try (Replicas.Lease<Replica> lease = replica(spec)) {
                LoraModel model = lease.model().gradient.model();
                adapter.value().assignTo(model);
                return work.apply(model.model());
            }
        }
    }
}
