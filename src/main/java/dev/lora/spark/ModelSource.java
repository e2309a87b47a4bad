package dev.lora.spark;

import dev.lora.model.Gpt2Model;

import java.io.Serializable;
import java.util.function.Function;

/**
 * Where a task finds its model on an executor: a recipe the task carries, run there against the executor's cache of
 * models. Training lends a replica with the driver's current adapter (dropout off); evaluation a model loaded with
 * the adapter folder. The one difference between the two kinds of distributed loss ({@link SparkLosses}).
 */
interface ModelSource extends Serializable {
    /** Runs {@code work} on a model lent for its duration. */
    <R> R withModel(Function<Gpt2Model, R> work);
}
