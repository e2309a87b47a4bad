package dev.lora.eval;

import dev.lora.data.Batch;
import dev.lora.data.Example;
import dev.lora.model.Gpt2Model;
import dev.lora.model.LmLoss;

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
        double sum = 0;
        long tokens = 0;
        for (int from = 0; from < examples.size(); from += batchSize) {
            List<Example> part = examples.subList(from, Math.min(examples.size(), from + batchSize));
            Batch batch = Batch.of(part);
            LmLoss.Result r = LmLoss.compute(model, model.hidden(batch.tokens(), batch.sequences(), false), batch.rows(), batch.targets(), 0, 0);
            sum += r.sum();
            tokens += r.tokens();
            progress.accept(from + part.size());
        }
        return new Result(tokens == 0 ? Double.NaN : sum / tokens, tokens, examples.size());
    }
}
