package dev.lora.config;

import java.util.OptionalInt;

/**
 * Optimisation and bookkeeping for a training run. Keys are {@code train.<snake_case name>}; Adam's betas
 * are one key, {@code train.betas: [beta1, beta2]}.
 *
 * @param batchSize      sequences per forward/backward pass
 * @param gradAccum      passes whose gradients are summed before one optimizer step
 * @param epochs         passes over the training data; ignored when maxSteps is set
 * @param maxSteps       stop after this many optimizer steps, overriding epochs (empty: use epochs)
 * @param lr             peak learning rate (after warmup)
 * @param weightDecay    decoupled (AdamW) weight decay
 * @param beta1          Adam's first-moment decay
 * @param beta2          Adam's second-moment decay
 * @param eps            Adam's denominator epsilon
 * @param warmupSteps    steps of linear warmup from 0 to lr
 * @param labelSmoothing label-smoothing mass spread over the vocabulary, in [0, 1)
 * @param clipNorm       global gradient-norm clip; 0 turns clipping off
 * @param seed           seed for adapter init, dropout and shuffling
 * @param shuffle        shuffle the training examples every epoch
 * @param groupByLength  put examples of similar length into the same micro-batches, as Hugging Face's group_by_length
 *                       (off by default: it changes which examples share a batch)
 * @param logEvery       log the training loss every this many steps
 * @param evalEvery      evaluate on data.valid every this many steps; 0: only at the end
 * @param saveEvery      save the adapter every this many steps; 0: only at the end
 * @param saveTotalLimit keep at most this many step checkpoints, oldest deleted first; 0: keep all
 * @param skipNonfinite  skip (instead of failing on) a step whose loss or gradient is NaN or infinite
 * @param keepBest       keep the adapter with the lowest validation loss so far in OUTPUT/best/ (needs data.valid)
 * @param maxSkippedSteps with skipNonfinite, how many steps in a row may be skipped before the run stops: a run
 *                       whose every step is non-finite is not training
 * @param dtype          floating-point type of the computation
 */
public record TrainSettings(int batchSize, int gradAccum, int epochs, OptionalInt maxSteps, double lr,
                            double weightDecay, double beta1, double beta2, double eps, int warmupSteps,
                            double labelSmoothing, double clipNorm, long seed, boolean shuffle, boolean groupByLength,
                            int logEvery,
                            int evalEvery, int saveEvery, int saveTotalLimit, boolean keepBest,
                            boolean skipNonfinite, int maxSkippedSteps, ComputeDtype dtype) {

    /** The key table's defaults: the LoRA paper's E2E setup as microsoft/LoRA runs it (see {@link ConfigKeys}). */
    public static final TrainSettings DEFAULTS = ConfigLoader.defaults(TrainSettings.class);

    public TrainSettings {
        Checks.atLeast("train.batch_size", batchSize, 1);
        Checks.atLeast("train.grad_accum", gradAccum, 1);
        Checks.atLeast("train.epochs", epochs, 1);
        Checks.present("train.max_steps", maxSteps);
        if (maxSteps.isPresent()) Checks.atLeast("train.max_steps", maxSteps.getAsInt(), 1);
        Checks.positive("train.lr", lr);
        Checks.nonNegative("train.weight_decay", weightDecay);
        Checks.unitInterval("train.betas", beta1);
        Checks.unitInterval("train.betas", beta2);
        Checks.positive("train.eps", eps);
        Checks.atLeast("train.warmup_steps", warmupSteps, 0);
        Checks.unitInterval("train.label_smoothing", labelSmoothing);
        Checks.nonNegative("train.clip_norm", clipNorm);
        Checks.atLeast("train.log_every", logEvery, 1);
        Checks.atLeast("train.eval_every", evalEvery, 0);
        Checks.atLeast("train.save_every", saveEvery, 0);
        Checks.atLeast("train.save_total_limit", saveTotalLimit, 0);
        Checks.atLeast("train.max_skipped_steps", maxSkippedSteps, 1);
        Checks.present("train.dtype", dtype);
    }
}
