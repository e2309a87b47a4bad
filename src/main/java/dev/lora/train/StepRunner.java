package dev.lora.train;

import dev.lora.data.Batch;
import dev.lora.lora.LoraModel;
import dev.lora.lora.Seeds;
import dev.lora.model.Gpt2Model;
import dev.lora.model.LmLoss;
import dev.lora.model.Param;
import dev.lora.model.Workspaces;

import org.nd4j.linalg.api.memory.MemoryWorkspace;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One optimiser step: forward and backward over the step's micro-batches (token mean within a
 * micro-batch, mean over micro-batches), global-norm clipping, AdamW. Dropout masks are a function of
 * (seed, step, example), so the step depends on nothing but its inputs, however they are batched. Used by the trainer and
 * by {@code lora bench}, so the benchmark times exactly what training runs.
 */
public final class StepRunner {
    private final LoraModel model;
    private final AdamW optimizer;
    private final double labelSmoothing;
    private final double clipNorm;
    private final long seed;
    /**
     * Every temporary of a step (activations, their gradients, logits) lives in one workspace that is
     * reset when the step ends: after the first step has measured it, the same block of memory is
     * reused instead of allocating and freeing thousands of native buffers per step. Parameters,
     * gradients and optimiser moments are allocated outside it and only updated in place.
     */
    private static final String WORKSPACE_ID = "lora-train-step";

    /**
     * loss: the step's training loss; tokens: real (unpadded) tokens processed; skipped: non-finite, no update;
     * paramsFinite: every trainable value is finite after the step (false after an update that overflowed).
     */
    public record Result(double loss, double gradNorm, long tokens, boolean skipped, boolean paramsFinite) {
        public boolean finite() {
            return Double.isFinite(loss) && Double.isFinite(gradNorm);
        }
    }

    public StepRunner(LoraModel model, AdamW optimizer, double labelSmoothing, double clipNorm, long seed) {
        this.model = model;
        this.optimizer = optimizer;
        this.labelSmoothing = labelSmoothing;
        this.clipNorm = clipNorm;
        this.seed = seed;
    }

    /** Runs step {@code step} (0-based) at learning rate {@code lr}; a non-finite step updates nothing. */
    public Result run(long step, List<Batch> microBatches, double lr) {
        List<Shard> whole = new ArrayList<>();
        for (Batch b : microBatches) whole.add(new Shard(b, b.lossTokens()));
        return run(microBatches.size(), lr, () -> contribute(step, whole, microBatches.size()));
    }

    /**
     * Runs a step whose gradient {@code contribution} puts in the parameters (here or on other machines), then
     * clips and steps as {@link #apply} does; a non-finite step updates nothing.
     */
    public Result run(int microBatches, double lr, Supplier<Contribution> contribution) {
        try (MemoryWorkspace ws = Workspaces.open(WORKSPACE_ID)) {
            return apply(contribution.get(), microBatches, lr);
        }
    }

    /**
     * Part of a micro-batch: some of its examples, and the micro-batch's loss tokens (all its examples'), which the
     * step's scaling needs. A whole micro-batch is one shard.
     */
    public record Shard(Batch batch, int microBatchLossTokens) {
    }

    /** What shards add to a step: the loss they carry (summed as the step's mean needs it) and their real tokens. */
    public record Contribution(double loss, long tokens) {
        public Contribution plus(Contribution o) {
            return new Contribution(loss + o.loss, tokens + o.tokens);
        }
    }

    /**
     * Adds the shards' gradients to the trainable parameters' gradients with the step's global scaling (token mean
     * within each micro-batch, mean over the step's {@code microBatches}), so contributions of any split of the
     * step's examples sum to the whole step's gradient: the work a distributed task does. Dropout masks depend on
     * (seed, step, example) only, so a shard's result does not depend on which examples it shares a task with.
     */
    public Contribution contribute(long step, List<Shard> shards, int microBatches) {
        Gpt2Model gpt = model.model();
        Contribution total = new Contribution(0, 0);
        for (Shard shard : shards) {
            Batch batch = shard.batch();
            model.dropout().start(Seeds.mix(seed, step), batch.keys(), batch.sequences());
            double scale = 1.0 / ((double) shard.microBatchLossTokens() * microBatches);
            LmLoss.Result r = LmLoss.compute(gpt, gpt.hidden(batch.tokens(), batch.sequences(), true), batch.rows(), batch.targets(),
                    labelSmoothing, scale);
            gpt.backward(r.dHidden());
            total = total.plus(new Contribution(r.sum() / shard.microBatchLossTokens(), batch.realTokens()));
        }
        return total;
    }

    /** {@link #contribute} in a step's workspace of its own: the work of a task on another machine. */
    public Contribution contributeAlone(long step, List<Shard> shards, int microBatches) {
        try (MemoryWorkspace ws = Workspaces.open(WORKSPACE_ID)) {
            return contribute(step, shards, microBatches);
        }
    }

    /**
     * The step once every contribution's gradient is in the parameters: global-norm clipping and AdamW, or no update
     * when the loss or the gradient is not finite; gradients are zeroed either way.
     */
    public Result apply(Contribution c, int microBatches, double lr) {
        List<Param> params = model.trainable();
        double loss = c.loss() / microBatches;
        long tokens = c.tokens();
        double norm = Gradients.norm(model.model().kernels(), params);
        boolean finite = Double.isFinite(loss) && Double.isFinite(norm);
        if (finite) {
            Gradients.clip(params, norm, clipNorm);
            optimizer.step(lr);
        }
        Gradients.zero(params);
        return new Result(loss, norm, tokens, !finite, !finite || Gradients.valuesFinite(model.model().kernels(), params));
    }
}
