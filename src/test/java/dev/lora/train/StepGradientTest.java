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

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A step's result is a function of its examples, not of where they sit: with LoRA dropout on, the same examples
 * in another order within their micro-batch (other rows, another example padded) give the same loss and the same
 * update. Float64; the only differences allowed are the orders of sums over the batch, 1e-12 relative.
 */
class StepGradientTest {
    private static final Gpt2Config CONFIG = TinyGpt2.config(50257, 24, 8, 2, 2); // the pad id 50256 must be a token
    private static final List<Example> EXAMPLES = List.of(
            new Example(new int[]{3, 17, 5, 29, 11, 2, 36, 7, 9}, 4),
            new Example(new int[]{8, 1, 22, 4}, 2),
            new Example(new int[]{13, 14, 15, 16, 17, 18}, 3));

    @Test
    void anExamplesPlaceInItsMicroBatchChangesNothing() {
        List<double[]> inOrder = step(new int[]{0, 1, 2});
        List<double[]> reordered = step(new int[]{2, 0, 1});
        assertThat(reordered.get(0)[0]).as("loss").isCloseTo(inOrder.get(0)[0], within(1e-12 * Math.abs(inOrder.get(0)[0])));
        for (int p = 1; p < inOrder.size(); p++) {
            double[] a = inOrder.get(p), b = reordered.get(p);
            double scale = 0;
            for (double v : a) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < a.length; i++) assertThat(b[i]).as("parameter %d [%d]", p, i).isCloseTo(a[i], within(1e-12 * scale));
        }
    }

    /** The step's loss, then every trainable tensor after one AdamW step over the examples in this order. */
    private static List<double[]> step(int[] order) {
        LoraSettings settings = new LoraSettings(2, 6, 0.3, List.of(LoraTarget.values()), LoraBias.ALL, Optional.empty());
        LoraModel model = LoraModel.create(TinyGpt2.random(CONFIG, DataType.DOUBLE, 11), settings, 5);
        // B = 0 at init: give it values so dropout on A's input changes the gradients of everything.
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(123);
        for (Param p : model.trainable()) if (p.name().endsWith("lora_B")) p.value().assign(org.nd4j.linalg.factory.Nd4j.rand(DataType.DOUBLE, p.value().shape()).subi(0.5));
        AdamW adam = new AdamW(model.trainable(), 0.9, 0.999, 1e-8, 0.01);
        List<Example> examples = new ArrayList<>();
        for (int i : order) examples.add(EXAMPLES.get(i));
        StepUpdater.Result r = OneStep.run(model, adam, 0.1, 1.0, 77, 3, List.of(Batch.of(examples, order)), 1e-2);
        List<double[]> out = new ArrayList<>();
        out.add(new double[]{r.loss()});
        for (Param p : model.trainable()) out.add(p.value().dup().data().asDouble());
        return out;
    }
}
