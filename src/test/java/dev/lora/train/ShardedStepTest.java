package dev.lora.train;

import dev.lora.config.LoraBias;
import dev.lora.config.LoraSettings;
import dev.lora.config.LoraTarget;
import dev.lora.data.Batch;
import dev.lora.data.Example;
import dev.lora.adapter.LoraModel;
import dev.lora.model.Gpt2Config;
import dev.lora.model.Param;
import dev.lora.model.TinyGpt2;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The protocol a distributed step runs (the Spark issue): replicas of the model each compute the contribution of
 * some of the step's examples, with the step's global scaling; the driver adds their gradients in a fixed order and
 * applies clipping and AdamW once. It equals the one-process step: float64, LoRA dropout on, gradient accumulation
 * with an uneven last micro-batch, examples split across shards against their micro-batch and position. Only the
 * order of sums differs, hence 1e-12 relative.
 */
class ShardedStepTest {
    private static final Gpt2Config CONFIG = TinyGpt2.config(50257, 24, 8, 2, 2);
    private static final List<Example> EX = List.of(
            new Example(new int[]{3, 17, 5, 29, 11, 2, 36}, 4), new Example(new int[]{8, 1, 22, 4}, 2),
            new Example(new int[]{13, 14, 15, 16, 17}, 3), new Example(new int[]{40, 41, 42}, 1),
            new Example(new int[]{9, 8, 7, 6, 5, 4}, 2));

    @Test
    void shardContributionsAddUpToTheOneProcessStep() {
        // Micro-batches {0, 1, 2} and {3, 4}: the second is uneven.
        Batch mb1 = Batch.of(List.of(EX.get(0), EX.get(1), EX.get(2)), new int[]{0, 1, 2});
        Batch mb2 = Batch.of(List.of(EX.get(3), EX.get(4)), new int[]{3, 4});
        LoraModel whole = model();
        StepUpdater.Result one = OneStep.run(whole, adam(whole), 0.1, 0.5, 77, 5, List.of(mb1, mb2), 1e-2);

        // Two tasks: examples 2, 0 and 4 (other order, other micro-batch positions), then examples 1 and 3.
        LoraModel taskA = model(), taskB = model(), driver = model();
        StepGradient.Contribution a = gradient(taskA).add(5, List.of(
                new StepGradient.Shard(Batch.of(List.of(EX.get(2), EX.get(0)), new int[]{2, 0}), mb1.lossTokens()),
                new StepGradient.Shard(Batch.of(List.of(EX.get(4)), new int[]{4}), mb2.lossTokens())), 2);
        StepGradient.Contribution b = gradient(taskB).add(5, List.of(
                new StepGradient.Shard(Batch.of(List.of(EX.get(1)), new int[]{1}), mb1.lossTokens()),
                new StepGradient.Shard(Batch.of(List.of(EX.get(3)), new int[]{3}), mb2.lossTokens())), 2);
        List<Param> d = driver.trainable();
        for (int p = 0; p < d.size(); p++) d.get(p).grad().addi(taskA.trainable().get(p).grad()).addi(taskB.trainable().get(p).grad());
        StepUpdater.Result sharded = OneStep.updater(driver, adam(driver), 0.5, 1e-2).apply(5, a.plus(b), 2);

        assertSameStep(sharded, driver, one, whole);
    }

    /** StepGradient.shards, the one place a step is split: tasks 0, 1, 2 of 3 over the same micro-batches add up to it too. */
    @Test
    void theSlicesOfThreeTasksAddUpToTheOneProcessStep() {
        List<int[]> micro = List.of(new int[]{0, 1, 2}, new int[]{3, 4});
        LoraModel whole = model();
        StepUpdater.Result one = OneStep.run(whole, adam(whole), 0.1, 0.5, 77, 5,
                List.of(Batch.of(List.of(EX.get(0), EX.get(1), EX.get(2)), new int[]{0, 1, 2}), Batch.of(List.of(EX.get(3), EX.get(4)), new int[]{3, 4})), 1e-2);
        LoraModel driver = model();
        StepGradient.Contribution total = new StepGradient.Contribution(0, 0);
        for (int t = 0; t < 3; t++) {
            // Task 0 of 3 takes no example of the 2-example micro-batch: [0, 0) is empty and is left out.
            assertThat(StepGradient.shards(EX, micro, t, 3)).as("task %d's shards", t).hasSize(t == 0 ? 1 : 2);
            LoraModel task = model();
            total = total.plus(gradient(task).add(5, StepGradient.shards(EX, micro, t, 3), 2));
            List<Param> d = driver.trainable();
            for (int p = 0; p < d.size(); p++) d.get(p).grad().addi(task.trainable().get(p).grad());
        }
        assertSameStep(OneStep.updater(driver, adam(driver), 0.5, 1e-2).apply(5, total, 2), driver, one, whole);
    }

    private static void assertSameStep(StepUpdater.Result sharded, LoraModel driver, StepUpdater.Result one, LoraModel whole) {
        List<Param> d = driver.trainable();
        assertThat(sharded.loss()).isCloseTo(one.loss(), within(1e-12 * Math.abs(one.loss())));
        assertThat(sharded.gradNorm()).isCloseTo(one.gradNorm(), within(1e-12 * one.gradNorm()));
        assertThat(sharded.tokens()).isEqualTo(one.tokens());
        for (int p = 0; p < d.size(); p++) {
            double[] x = whole.trainable().get(p).value().dup().data().asDouble(), y = d.get(p).value().dup().data().asDouble();
            double scale = 0;
            for (double v : x) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < x.length; i++) assertThat(y[i]).as("%s [%d]", d.get(p).name(), i).isCloseTo(x[i], within(1e-12 * scale));
        }
    }

    private static LoraModel model() {
        LoraSettings s = new LoraSettings(2, 6, 0.3, List.of(LoraTarget.Q, LoraTarget.V, LoraTarget.MLP_FC), LoraBias.LORA_ONLY,
                Optional.empty());
        LoraModel m = LoraModel.create(TinyGpt2.random(CONFIG, DataType.DOUBLE, 11), s, 5);
        Nd4j.getRandom().setSeed(123); // B starts at zero: give it values so dropout reaches every gradient
        for (Param p : m.trainable()) if (p.name().endsWith("lora_B")) p.value().assign(Nd4j.rand(DataType.DOUBLE, p.value().shape()).subi(0.5));
        return m;
    }

    private static StepGradient gradient(LoraModel m) {
        return new StepGradient(m, 0.1, 77);
    }

    private static AdamW adam(LoraModel m) {
        return new AdamW(m.trainable(), 0.9, 0.999, 1e-8, 0.01);
    }
}
