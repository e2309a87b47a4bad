package dev.lora.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lora.io.AtomicFiles;
import dev.lora.io.DType;
import dev.lora.io.Safetensors;
import dev.lora.io.Tensor;
import dev.lora.model.Gpt2Config;
import dev.lora.model.Gpt2Weights;
import dev.lora.model.Param;
import org.nd4j.linalg.api.buffer.DataType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A preset's random model written as a Hugging Face GPT-2 folder (config.json, model.safetensors): for benchmarks
 * of commands that read a model from disk, such as training on Spark, where the executors load it.
 */
public final class RandomModelFolder {
    private RandomModelFolder() {
    }

    public static void write(Preset preset, Path dir, long seed) {
        Gpt2Config c = preset.config();
        ObjectNode json = new ObjectMapper().createObjectNode();
        json.put("model_type", "gpt2");
        json.put("vocab_size", c.vocabSize());
        json.put("n_positions", c.nPositions());
        json.put("n_ctx", c.nPositions());
        json.put("n_embd", c.nEmbd());
        json.put("n_layer", c.nLayer());
        json.put("n_head", c.nHead());
        json.put("layer_norm_epsilon", c.layerNormEpsilon());
        json.put("activation_function", c.activation());
        json.put("tie_word_embeddings", c.tieWordEmbeddings());
        json.put("bos_token_id", 50256);
        json.put("eos_token_id", 50256);
        List<Tensor> tensors = new ArrayList<>();
        for (Param p : Gpt2Weights.random(c, DataType.FLOAT, seed).params().values()) {
            tensors.add(new Tensor(p.name(), DType.F32, p.value().shape(), p.value().dup('c').data().asFloat()));
        }
        AtomicFiles.writeString(dir.resolve("config.json"), json.toPrettyString() + "\n");
        Safetensors.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
    }
}
