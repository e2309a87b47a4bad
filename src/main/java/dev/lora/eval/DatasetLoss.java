package dev.lora.eval;

import dev.lora.data.Batch;
import dev.lora.data.Example;
import dev.lora.model.Gpt2Model;
import dev.lora.model.LmLoss;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/** Mean token cross-entropy (no label smoothing) over the completion tokens of a data set, and perplexity. */
public final class DatasetLoss {
    private DatasetLoss() {
    }

    public record Result(double loss, long tokens, int examples) {
        public double perplexity() {
            return Math.exp(loss);
        }
    }

    /** Evaluates in batches of {@code batchSize} examples; {@code progress} receives examples done. */
    public static Result of(Gpt2Model model, List<Example> examples, int batchSize, IntConsumer progress) {
        List<BatchLoss> parts = new ArrayList<>();
        int done = 0;
        for (List<Example> batch : batches(examples, batchSize)) {
            parts.add(ofBatch(model, batch));
            progress.accept(done += batch.size());
        }
        return combine(parts, examples.size());
    }

    /** A batch's summed token cross-entropy and its tokens. */
    public record BatchLoss(double sum, long tokens) implements Serializable {
    }

    /** The batches {@link #of} evaluates: {@code batchSize} consecutive examples each, the last maybe fewer. */
    public static List<List<Example>> batches(List<Example> examples, int batchSize) {
        List<List<Example>> out = new ArrayList<>();
        for (int from = 0; from < examples.size(); from += batchSize) {
            out.add(examples.subList(from, Math.min(examples.size(), from + batchSize)));
        }
        return out;
    }

    public static BatchLoss ofBatch(Gpt2Model model, List<Example> examples) {
        Batch batch = Batch.of(examples);
        LmLoss.Result r = LmLoss.compute(model, model.hidden(batch.tokens(), batch.sequences(), false), batch.rows(), batch.targets(), 0, 0);
        return new BatchLoss(r.sum(), r.tokens());
    }

    /** The mean over batches' losses, summed in batch order (so it is the same wherever the batches ran). */
    public static Result combine(List<BatchLoss> batches, int examples) {
        double sum = 0;
        long tokens = 0;
        for (BatchLoss b : batches) {
            sum += b.sum();
            tokens += b.tokens();
        }
        return new Result(tokens == 0 ? Double.NaN : sum / tokens, tokens, examples);
    }
}
