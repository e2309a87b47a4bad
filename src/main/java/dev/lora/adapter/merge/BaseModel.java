package dev.lora.adapter.merge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lora.io.InputError;
import dev.lora.io.Tensor;
import dev.lora.io.JsonFiles;
import dev.lora.model.Gpt2Config;
import dev.lora.model.Gpt2Loader;
import dev.lora.model.Gpt2Weights;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A Hugging Face GPT-2 folder read for merging, kept as stored: the config.json tree (every key, to write
 * back), the tensors in their stored dtype by canonical name, whether the file named them with the
 * {@code transformer.} prefix, and an untied {@code lm_head.weight} when the config unties it.
 * The attention-mask buffers and a tied {@code lm_head.weight} are dropped, as transformers does not need them.
 */
record BaseModel(Path folder, ObjectNode configJson, Gpt2Config config, Map<String, Tensor> tensors, boolean prefixed,
                 Optional<Tensor> lmHead) {
    static final String LM_HEAD = "lm_head.weight";

    static BaseModel read(Path folder) {
        Gpt2Config config = Gpt2Loader.readConfig(folder);
        Path cfgFile = folder.resolve("config.json");
        ObjectNode json = JsonFiles.readObject(cfgFile, "model config");
        Path file = Gpt2Loader.weightsFile(folder);
        Map<String, long[]> expected = Gpt2Weights.expectedShapes(config);
        Map<String, Tensor> found = new LinkedHashMap<>();
        Tensor lmHead = null;
        boolean prefixed = false;
        for (Tensor t : Gpt2Loader.readTensors(folder).values()) {
            String name = t.name().startsWith("transformer.") || t.name().startsWith("lm_head.") ? t.name() : "transformer." + t.name();
            if (name.endsWith(".attn.bias") || name.endsWith(".attn.masked_bias")) continue;
            if (name.equals(LM_HEAD)) {
                if (config.tieWordEmbeddings()) continue;
                checkShape(file, t, new long[]{config.vocabSize(), config.nEmbd()});
                lmHead = t;
                continue;
            }
            long[] shape = expected.get(name);
            if (shape == null) throw new InputError(file + ": unexpected tensor '" + t.name() + "' (not a GPT-2 parameter)");
            checkShape(file, t, shape);
            prefixed |= t.name().startsWith("transformer.");
            found.put(name, t);
        }
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        for (String name : expected.keySet()) {
            if (name.equals(LM_HEAD)) continue; // an untied head is kept apart, checked below
            Tensor t = found.get(name);
            if (t == null) throw new InputError(file + ": missing tensor '" + name + "'");
            ordered.put(name, t);
        }
        if (!config.tieWordEmbeddings() && lmHead == null) {
            throw new InputError(file + ": config.json sets tie_word_embeddings false but there is no tensor '" + LM_HEAD + "'");
        }
        return new BaseModel(folder, json, config, ordered, prefixed, Optional.ofNullable(lmHead));
    }

    private static void checkShape(Path file, Tensor t, long[] shape) {
        if (!Arrays.equals(shape, t.shape())) {
            throw new InputError(file + ": tensor '" + t.name() + "' has shape " + Arrays.toString(t.shape())
                    + ", expected " + Arrays.toString(shape) + " for this config.json");
        }
    }
}
