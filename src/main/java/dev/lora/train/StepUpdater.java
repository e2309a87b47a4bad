package dev.lora.train;

import dev.lora.model.Param;
import dev.lora.model.kernels.Workspaces;
import dev.lora.model.kernels.Kernels;
import org.nd4j.linalg.api.memory.MemoryWorkspace;

import java.util.List;
import java.util.function.LongToDoubleFunction;
import java.util.function.Supplier;

/**
 * The update half of an optimiser step (MLlib's Updater), which only the driver has: the learning rate of the step
 * from the schedule, global-norm clipping and AdamW once the step's gradient is in the parameters, or no update when
 * the loss or the gradient is not finite; gradients are zeroed either way.
 */
public final class StepUpdater {
    private final List<Param> params;
    private final AdamW optimizer;
    private final double clipNorm;
    private final LongToDoubleFunction lr;
    private final Kernels kernels;

    /**
     * loss: the step's training loss; tokens: real (unpadded) tokens processed; skipped: non-finite, no update;
     * paramsFinite: every trainable value is finite after the step (false after an update that overflowed).
     */
    public record Result(double loss, double gradNorm, long tokens, double lr, boolean skipped, boolean paramsFinite) {
        public boolean finite() {
            return Double.isFinite(loss) && Double.isFinite(gradNorm);
        }
    }

    /** {@code lr}: the learning rate of step i (from 0), e.g. a {@link LinearSchedule}'s. */
    public StepUpdater(List<Param> params, AdamW optimizer, double clipNorm, LongToDoubleFunction lr, Kernels kernels) {
        this.params = params;
        this.optimizer = optimizer;
        this.clipNorm = clipNorm;
        this.lr = lr;
        this.kernels = kernels;
    }

    /** Step {@code step}: its gradient computed by {@code gradient} (here or on other machines), then the update; one workspace for both. */
    public Result step(long step, int microBatches, Supplier<StepGradient.Contribution> gradient) {
        try (MemoryWorkspace ws = Workspaces.open(StepGradient.WORKSPACE)) {
            return apply(step, gradient.get(), microBatches);
        }
    }

    /** The update once every contribution's gradient is in the parameters. */
    public Result apply(long step, StepGradient.Contribution c, int microBatches) {
        double rate = lr.applyAsDouble(step);
        double loss = c.loss() / microBatches;
        double norm = Gradients.norm(kernels, params);
        boolean finite = Double.isFinite(loss) && Double.isFinite(norm);
        if (finite) {
            Gradients.clip(params, norm, clipNorm);
            optimizer.step(rate);
        }
        Gradients.zero(params);
        return new Result(loss, norm, c.tokens(), rate, !finite, !finite || Gradients.valuesFinite(kernels, params));
    }
}
