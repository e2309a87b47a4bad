package dev.lora.train;

import dev.lora.data.Batch;
import dev.lora.adapter.LoraModel;

import java.util.List;

/** Tests' one optimiser step as the trainer runs it: the gradient of whole micro-batches, then the update, at a fixed lr. */
public final class OneStep {
    private OneStep() {
    }

    public static StepUpdater.Result run(LoraModel model, AdamW adam, double labelSmoothing, double clipNorm, long seed, long step,
                                         List<Batch> microBatches, double lr) {
        StepGradient gradient = new StepGradient(model, labelSmoothing, seed);
        StepUpdater updater = updater(model, adam, clipNorm, lr);
        return updater.step(step, microBatches.size(),
                () -> gradient.add(step, microBatches.stream().map(StepGradient.Shard::whole).toList(), microBatches.size()));
    }

    public static StepUpdater updater(LoraModel model, AdamW adam, double clipNorm, double lr) {
        return new StepUpdater(model.trainable(), adam, clipNorm, s -> lr, model.model().kernels());
    }
}
