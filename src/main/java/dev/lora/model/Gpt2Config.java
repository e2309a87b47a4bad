package dev.lora.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lora.io.InputError;
import dev.lora.io.JsonFiles;

import java.nio.file.Path;
import java.util.Set;

/** GPT-2 geometry, as in a Hugging Face {@code config.json}. */
public record Gpt2Config(int vocabSize, int nPositions, int nEmbd, int nLayer, int nHead,
                         double layerNormEpsilon, String activation, boolean tieWordEmbeddings) {

    /** Names Hugging Face uses for the tanh approximation of GELU that GPT-2 was trained with. */
    private static final Set<String> TANH_GELU = Set.of("gelu_new", "gelu_pytorch_tanh", "gelu_fast");

    public Gpt2Config {
        if (nHead <= 0 || nEmbd % nHead != 0) {
            throw new InputError("n_embd " + nEmbd + " is not divisible by n_head " + nHead);
        }
        if (!TANH_GELU.contains(activation)) {
            throw new InputError("activation_function '" + activation + "' is not supported (GPT-2 uses gelu_new)");
        }
    }

    public int headDim() {
        return nEmbd / nHead;
    }

    public static Gpt2Config read(Path file) {
        JsonNode json = JsonFiles.readObject(file, "model config");
        try {
            return new Gpt2Config(
                    intKey(json, file, "vocab_size"), intKey(json, file, "n_positions"), intKey(json, file, "n_embd"),
                    intKey(json, file, "n_layer"), intKey(json, file, "n_head"),
                    json.path("layer_norm_epsilon").asDouble(1e-5),
                    json.path("activation_function").asText("gelu_new"),
                    json.path("tie_word_embeddings").asBoolean(true));
        } catch (InputError e) {
            throw e.getMessage().startsWith(file.toString()) ? e : new InputError(file + ": " + e.getMessage());
        }
    }

    private static int intKey(JsonNode json, Path file, String key) {
        JsonNode n = json.get(key);
        if (n == null) throw new InputError(file + ": missing key '" + key + "'");
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() <= 0) {
            throw new InputError(file + ": key '" + key + "' must be a positive integer, got " + n);
        }
        return n.asInt();
    }
}
