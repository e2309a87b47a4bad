package dev.lora.train;

/**
 * Hugging Face's get_linear_schedule_with_warmup: optimiser step i (from 0) uses lr * i / warmup
 * during warmup, then decays linearly to 0 at the last step.
 */
public record LinearSchedule(double lr, int warmupSteps, long totalSteps) {
    public double at(long step) {
        if (step < warmupSteps) return lr * ((double) step / Math.max(1, warmupSteps)); // torch: base_lr * lambda(step)
        return lr * Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
    }
}
