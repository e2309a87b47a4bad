package dev.lora.train;

import dev.lora.config.LoraBias;
import dev.lora.config.LoraSettings;
import dev.lora.config.LoraTarget;
import dev.lora.data.Batch;
import dev.lora.data.Example;
import dev.lora.adapter.LoraModel;
import dev.lora.model.Gpt2Config;
import dev.lora.model.LmLoss;
import dev.lora.model.Param;
import dev.lora.model.Pass;
import dev.lora.model.Sequences;
import dev.lora.model.TinyGpt2;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A padding-free micro-batch (the examples' tokens concatenated, attention within each example) gives the loss and
 * gradients of the same examples right-padded to the longest: causal attention never lets a real position see the
 * padding after it, and padding carries no loss. Float64; every target type, trained biases and LoRA dropout on
 * (masks keyed by example and position, so both layouts draw the same ones for real tokens). The two layouts sum in
 * different orders, hence 1e-12 of each tensor's largest gradient rather than equality.
 */
class PaddingFreeTest {
    private static final Gpt2Config CONFIG = TinyGpt2.config(50257, 24, 8, 2, 2); // pad id 50256 must be a token
    private static final List<Example> EXAMPLES = List.of(
            new Example(new int[]{3, 17, 5, 29, 11, 2, 36, 7, 9}, 4),
            new Example(new int[]{8, 1, 22, 4}, 2),
            new Example(new int[]{13, 14, 15, 16, 17, 18}, 3),
            new Example(new int[]{40, 41}, 1));
    private static final int[] KEYS = {7, 3, 12, 0};

    @Test
    void sameLossAndGradientsAsThePaddedBatch() {
        Result padded = run(true), free = run(false);
        assertThat(free.loss).isCloseTo(padded.loss, within(1e-12 * Math.abs(padded.loss)));
        assertThat(free.grads).hasSameSizeAs(padded.grads);
        for (int p = 0; p < padded.grads.size(); p++) {
            double[] a = padded.grads.get(p), b = free.grads.get(p);
            double scale = 0;
            for (double v : a) scale = Math.max(scale, Math.abs(v));
            assertThat(scale).as("gradient %d is not trivially zero", p).isPositive();
            for (int i = 0; i < a.length; i++) assertThat(b[i]).as("gradient %d [%d]", p, i).isCloseTo(a[i], within(1e-12 * scale));
        }
        // Nothing is spent on padding: 21 rows instead of 4 x 9 = 36.
        assertThat(Batch.of(EXAMPLES, KEYS).sequences().rows()).isEqualTo(21);
    }

    private record Result(double loss, List<double[]> grads) {
    }

    private static Result run(boolean padded) {
        LoraSettings settings = new LoraSettings(2, 6, 0.3, List.of(LoraTarget.values()), LoraBias.ALL, Optional.empty());
        LoraModel model = LoraModel.create(TinyGpt2.random(CONFIG, DataType.DOUBLE, 11), settings, 5);
        // loralib starts B (and the embedding's A) at zero, which would leave some gradients exactly zero.
        Nd4j.getRandom().setSeed(123);
        for (Param p : model.trainable()) if (p.name().contains("lora_")) p.value().assign(Nd4j.rand(DataType.DOUBLE, p.value().shape()).subi(0.5));
        model.trainable().forEach(Param::zeroGrad);
        LmLoss.Result r;
        if (padded) {
            int time = EXAMPLES.stream().mapToInt(Example::length).max().orElseThrow();
            int[][] ids = new int[EXAMPLES.size()][time];
            List<Integer> rows = new ArrayList<>(), targets = new ArrayList<>();
            for (int b = 0; b < EXAMPLES.size(); b++) {
                java.util.Arrays.fill(ids[b], 50256);
                int[] t = EXAMPLES.get(b).tokens();
                System.arraycopy(t, 0, ids[b], 0, t.length);
                for (int p = EXAMPLES.get(b).firstLossPosition(); p + 1 < t.length; p++) {
                    rows.add(b * time + p);
                    targets.add(t[p + 1]);
                }
            }
            Pass pass = Pass.training(99, KEYS, Sequences.padded(EXAMPLES.size(), time));
            r = LmLoss.compute(model.model(), model.model().hidden(ids, pass), ints(rows), ints(targets), 0.1, 1.0 / rows.size());
        } else {
            Batch batch = Batch.of(EXAMPLES, KEYS);
            r = LmLoss.compute(model.model(), model.model().hidden(batch.tokens(), batch.sequences(),
                            Pass.training(99, KEYS, batch.sequences())), batch.rows(),
                    batch.targets(), 0.1, 1.0 / batch.lossTokens());
        }
        model.model().backward(r.dHidden());
        List<double[]> grads = new ArrayList<>();
        for (Param p : model.trainable()) grads.add(p.grad().dup().data().asDouble());
        return new Result(r.sum() / r.tokens(), grads);
    }

    private static int[] ints(List<Integer> xs) {
        return xs.stream().mapToInt(Integer::intValue).toArray();
    }
}
