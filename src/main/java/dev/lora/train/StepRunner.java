package dev.lora.train;


import dev.lora.data.Batch;
import dev.lora.lora.LoraModel;
import dev.lora.lora.Seeds;
import dev.lora.model.Gpt2Model;
import dev.lora.model.LmLoss;
import dev.lora.model.Param;
import dev.lora.model.Workspaces;

import org.nd4j.linalg.api.memory.MemoryWorkspace;

import java.util.List;

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
        try (MemoryWorkspace ws = Workspaces.open(WORKSPACE_ID)) {
            return runInWorkspace(step, microBatches, lr);
        }
    }

    private Result runInWorkspace(long step, List<Batch> microBatches, double lr) {
        List<Param> params = model.trainable();
        Gpt2Model gpt = model.model();
        double lossSum = 0;
        long tokens = 0;
        for (int i = 0; i < microBatches.size(); i++) {
            Batch batch = microBatches.get(i);
            model.dropout().start(Seeds.mix(seed, step), batch.keys(), batch.sequences());
            double scale = 1.0 / ((double) batch.lossTokens() * microBatches.size());
            LmLoss.Result r = LmLoss.compute(gpt, gpt.hidden(batch.tokens(), batch.sequences(), true), batch.rows(), batch.targets(),
                    labelSmoothing, scale);
            gpt.backward(r.dHidden());
            lossSum += r.sum() / r.tokens();
            tokens += batch.realTokens();
        }
        double loss = lossSum / microBatches.size();
        double norm = Gradients.norm(params);
        boolean finite = Double.isFinite(loss) && Double.isFinite(norm);
        if (finite) {
            Gradients.clip(params, norm, clipNorm);
            optimizer.step(lr);
        }
        Gradients.zero(params);
        return new Result(loss, norm, tokens, !finite, !finite || Gradients.valuesFinite(params));
    }
}
