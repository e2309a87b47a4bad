package dev.lora.train;

import dev.lora.data.Batch;
import dev.lora.data.Example;
import dev.lora.adapter.LoraModel;
import dev.lora.adapter.Seeds;
import dev.lora.model.Gpt2Model;
import dev.lora.model.LmLoss;
import dev.lora.model.Pass;
import dev.lora.model.kernels.Workspaces;
import org.nd4j.linalg.api.memory.MemoryWorkspace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The gradient half of an optimiser step (MLlib's Gradient): forward and backward over shards of the step's
 * micro-batches, adding their gradients to the trainable parameters' with the step's global scaling (token mean within
 * each micro-batch, mean over the step's micro-batches), so any split of the step's examples sums to the whole step's
 * gradient. The driver's model and every replica run it; only the driver has the update ({@link StepUpdater}).
 * Dropout masks depend on (seed, step, module, example) only, so a shard's result does not depend on its company.
 *
 * @param model          the adapted model whose trainable parameters' gradients are added to
 * @param labelSmoothing train.label_smoothing
 * @param seed           train.seed, of which each step's dropout seed is derived
 */
public record StepGradient(LoraModel model, double labelSmoothing, long seed) {
    /**
     * Every temporary of a step (activations, their gradients, logits) lives in one workspace that is reset when the
     * step ends: after the first step has measured it, the same block of memory is reused instead of allocating and
     * freeing thousands of native buffers per step. Parameters, gradients and optimiser moments live outside it.
     */
    static final String WORKSPACE = "lora-train-step";

    /** Some of a micro-batch's examples, and the micro-batch's loss tokens (all its examples'), which the scaling needs. */
    public record Shard(Batch batch, int microBatchLossTokens) {
        /** A whole micro-batch as one shard. */
        public static Shard whole(Batch b) {
            return new Shard(b, b.lossTokens());
        }
    }

    /** What shards add to a step: the loss they carry (summed as the step's mean needs it) and their real tokens. */
    public record Contribution(double loss, long tokens) {
        public Contribution plus(Contribution o) {
            return new Contribution(loss + o.loss, tokens + o.tokens);
        }
    }

    /**
     * The one place micro-batches become shards: task {@code task} of {@code tasks} takes the contiguous slice
     * [n t / T, n (t + 1) / T) of every micro-batch of n examples (indices into {@code data}), skipping empty slices.
     * One task of one takes every micro-batch whole.
     */
    public static List<Shard> shards(List<Example> data, List<int[]> microBatches, int task, int tasks) {
        List<Shard> out = new ArrayList<>();
        for (int[] indices : microBatches) {
            int n = indices.length, from = slice(n, task, tasks), to = slice(n, task + 1, tasks);
            if (from == to) continue;
            int lossTokens = 0;
            for (int i : indices) lossTokens += data.get(i).lossTokens();
            int[] keys = Arrays.copyOfRange(indices, from, to);
            List<Example> examples = new ArrayList<>();
            for (int i : keys) examples.add(data.get(i));
            out.add(new Shard(Batch.of(examples, keys), lossTokens));
        }
        return out;
    }

    /** Whether task {@code task} of {@code tasks} has any examples of these micro-batches. */
    public static boolean hasWork(List<int[]> microBatches, int task, int tasks) {
        for (int[] indices : microBatches) if (slice(indices.length, task, tasks) != slice(indices.length, task + 1, tasks)) return true;
        return false;
    }

    private static int slice(int n, int task, int tasks) {
        return (int) ((long) n * task / tasks);
    }

    /** Adds the shards' gradients of step {@code step} (of {@code microBatches} micro-batches) to the parameters' gradients. */
    public Contribution add(long step, List<Shard> shards, int microBatches) {
        Gpt2Model gpt = model.model();
        Contribution total = new Contribution(0, 0);
        for (Shard shard : shards) {
            Batch batch = shard.batch();
            Pass pass = Pass.training(Seeds.mix(seed, step), batch.keys(), batch.sequences());
            double scale = 1.0 / ((double) shard.microBatchLossTokens() * microBatches);
            LmLoss.Result r = LmLoss.compute(gpt, gpt.hidden(batch.tokens(), batch.sequences(), pass), batch.rows(), batch.targets(),
                    labelSmoothing, scale);
            gpt.backward(r.dHidden());
            total = total.plus(new Contribution(r.sum() / shard.microBatchLossTokens(), batch.realTokens()));
        }
        return total;
    }

    /** {@link #add} in a step's workspace of its own: the work of a task on another machine. */
    public Contribution addAlone(long step, List<Shard> shards, int microBatches) {
        try (MemoryWorkspace ws = Workspaces.open(WORKSPACE)) {
            return add(step, shards, microBatches);
        }
    }
}
