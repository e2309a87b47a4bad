package dev.lora.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lora.data.Dataset;
import dev.lora.data.DatasetReader;
import dev.lora.io.AtomicFiles;
import dev.lora.io.InputError;
import dev.lora.io.ModelResolver;
import dev.lora.lora.AdapterFiles;
import dev.lora.model.Gpt2Loader;
import dev.lora.model.Gpt2Model;
import dev.lora.model.Gpt2Weights;
import dev.lora.tokenizer.Gpt2Tokenizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Optional;

/** {@code lora eval} with the loss metric: mean completion cross-entropy and perplexity of a model (+ adapter). */
public final class LossEvaluation {
    private static final Logger LOG = LoggerFactory.getLogger(LossEvaluation.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Options(String model, Optional<Path> adapter, Path data, Optional<Integer> maxSeqLen, int batchSize,
                          Path out, DataType dtype) {
    }

    /** Loads the model (with the adapter attached, if any). */
    public static Gpt2Model loadModel(String model, Optional<Path> adapter, DataType dtype) {
        Path dir = ModelResolver.fromEnvironment().resolve(model);
        Gpt2Weights base = Gpt2Loader.load(dir, dtype);
        if (adapter.isEmpty()) return new Gpt2Model(base);
        return AdapterFiles.read(adapter.get()).attach(base).model();
    }

    public static ObjectNode run(Options o) {
        if (o.batchSize() <= 0) throw new InputError("--batch-size must be positive, got " + o.batchSize());
        Path dir = ModelResolver.fromEnvironment().resolve(o.model());
        Gpt2Model model = loadModel(o.model(), o.adapter(), o.dtype());
        int nPositions = model.config().nPositions();
        int maxSeqLen = o.maxSeqLen().orElse(nPositions);
        if (maxSeqLen < 2 || maxSeqLen > nPositions) {
            throw new InputError("--max-seq-len " + maxSeqLen + " is out of range: it must be in [2, " + nPositions
                    + "] (the model's n_positions)");
        }
        Dataset data = DatasetReader.read(o.data(), Gpt2Tokenizer.forModelFolder(dir), maxSeqLen);
        DatasetLoss.Result r = DatasetLoss.of(model, data.examples(), o.batchSize(), n -> {
        });
        ObjectNode metrics = JSON.createObjectNode();
        metrics.put("loss", r.loss());
        metrics.put("perplexity", r.perplexity());
        metrics.put("tokens", r.tokens());
        metrics.put("examples", r.examples());
        AtomicFiles.writeString(o.out().resolve("metrics.json"), metrics.toPrettyString() + "\n");
        LOG.info("loss {} perplexity {} over {} tokens of {} examples", String.format("%.6f", r.loss()),
                String.format("%.4f", r.perplexity()), r.tokens(), r.examples());
        return metrics;
    }
}
