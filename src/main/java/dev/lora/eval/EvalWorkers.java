package dev.lora.eval;

import dev.lora.data.Example;
import dev.lora.eval.generate.GenerationSettings;
import dev.lora.eval.generate.Generator;
import dev.lora.model.Gpt2Model;
import org.nd4j.linalg.api.buffer.DataType;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * Where evaluation's model work runs: in this process ({@link #local}), or spread over a cluster's executors
 * (dev.lora.spark). The work comes in batches whose results depend only on the batch (DatasetLoss.batches,
 * Generator.plan) and goes back in batch order, so the outputs are the same wherever it ran.
 */
public interface EvalWorkers extends AutoCloseable {
    /**
     * The model to evaluate: the base model as the user named it ({@code name}: a folder or a Hugging Face id) and
     * the folder it resolved to here, the adapter (if any), the compute type, whether to scan the weights first.
     */
    record Model(String name, Path dir, Optional<Path> adapter, DataType dtype, boolean checkWeights) {
    }

    /** Each batch's loss sum and tokens, in batch order. */
    List<DatasetLoss.BatchLoss> losses(List<List<Example>> batches);

    /** Each batch's outputs, in batch order; {@code progress} receives the number of prompts done so far. */
    List<List<int[]>> decode(List<Generator.PromptBatch> batches, GenerationSettings s, IntConsumer progress);

    @Override
    void close();

    @FunctionalInterface
    interface Factory {
        EvalWorkers open(Model model);
    }

    Factory LOCAL = EvalWorkers::local;

    /** Loads the model here and runs every batch on it. */
    static EvalWorkers local(Model m) {
        Gpt2Model model = Evaluation.loadModel(m.dir(), m.adapter(), m.dtype(), m.checkWeights());
        return new EvalWorkers() {
            @Override
            public List<DatasetLoss.BatchLoss> losses(List<List<Example>> batches) {
                return batches.stream().map(b -> DatasetLoss.ofBatch(model, b)).toList();
            }

            @Override
            public List<List<int[]>> decode(List<Generator.PromptBatch> batches, GenerationSettings s, IntConsumer progress) {
                return Generator.decodeAll(model, batches, s, progress);
            }

            @Override
            public void close() {
            }
        };
    }
}
