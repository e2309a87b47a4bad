package dev.lora.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lora.config.LoraBias;
import dev.lora.config.LoraSettings;
import dev.lora.config.LoraTarget;
import dev.lora.io.AtomicFiles;
import dev.lora.io.DType;
import dev.lora.io.InputError;
import dev.lora.io.Safetensors;
import dev.lora.io.Tensor;
import dev.lora.io.JsonFiles;
import dev.lora.model.Gpt2Config;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * This tool's adapter folder: {@code adapter_model.safetensors} (float32, loralib tensor names plus
 * trained biases) and {@code adapter_config.json} (r, lora_alpha, lora_dropout, targets, bias, the
 * base model and its geometry).
 */
public final class AdapterFiles {
    public static final String WEIGHTS = "adapter_model.safetensors";
    public static final String CONFIG = "adapter_config.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private AdapterFiles() {
    }

    /** An adapter as read from disk: its settings, the base it was made for, and its tensors. */
    public record Adapter(LoraSettings settings, String baseModel, Optional<Gpt2Config> geometry,
                          Map<String, INDArray> tensors, Path source) {
        /** Attaches this adapter to a base model, checking that it fits. */
        public LoraModel attach(dev.lora.model.Gpt2Weights base) {
            geometry.ifPresent(g -> {
                Gpt2Config b = base.config();
                if (g.nEmbd() != b.nEmbd() || g.nLayer() != b.nLayer() || g.vocabSize() != b.vocabSize()) {
                    throw new InputError(source + ": adapter was made for n_embd " + g.nEmbd() + ", n_layer " + g.nLayer()
                            + ", vocab " + g.vocabSize() + " (" + baseModel + ") but the base model has n_embd " + b.nEmbd()
                            + ", n_layer " + b.nLayer() + ", vocab " + b.vocabSize());
                }
            });
            return LoraModel.load(base, settings, tensors, Files.isDirectory(source) ? source.resolve(WEIGHTS) : source);
        }
    }

    /** Writes the model's trainable tensors as an adapter folder, atomically. */
    public static void write(Path dir, LoraModel model, String baseModel) {
        AtomicFiles.writeFolder(dir, folder -> writeInto(folder, model, baseModel));
    }

    /** Writes the adapter files into {@code dir} directly (for callers that make the enclosing folder atomic). */
    public static void writeInto(Path dir, LoraModel model, String baseModel) throws IOException {
        writeInto(dir, new Adapter(model.settings(), baseModel, Optional.of(model.model().config()), model.state(), dir));
    }

    /**
     * Writes any adapter (e.g. one read from PEFT) in this tool's layout; the geometry is written when known.
     * Returns the adapter_config.json it wrote.
     */
    public static ObjectNode writeInto(Path dir, Adapter adapter) throws IOException {
        LoraSettings s = adapter.settings();
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("format", "loralib");
        cfg.put("r", s.r());
        cfg.put("lora_alpha", s.alpha());
        cfg.put("lora_dropout", s.dropout());
        ArrayNode targets = cfg.putArray("targets");
        s.targets().forEach(t -> targets.add(t.id()));
        cfg.put("bias", s.bias().id());
        cfg.put("base_model", adapter.baseModel());
        adapter.geometry().ifPresent(g -> {
            cfg.put("n_embd", g.nEmbd());
            cfg.put("n_layer", g.nLayer());
            cfg.put("n_head", g.nHead());
            cfg.put("vocab_size", g.vocabSize());
            cfg.put("n_positions", g.nPositions());
        });
        List<Tensor> tensors = new ArrayList<>();
        adapter.tensors().forEach((name, value) -> tensors.add(toTensor(name, value)));
        Files.createDirectories(dir);
        Safetensors.write(dir.resolve(WEIGHTS), tensors, Map.of("format", "pt"), DType.F32);
        Files.writeString(dir.resolve(CONFIG), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(cfg));
        return cfg;
    }

    public static Adapter read(Path dir) {
        Path cfgFile = dir.resolve(CONFIG);
        Path weights = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(cfgFile) || !Files.isRegularFile(weights)) {
            throw new InputError(dir + ": not an adapter folder (expected " + CONFIG + " and " + WEIGHTS + ")");
        }
        JsonNode cfg = JsonFiles.readObject(cfgFile, "adapter config");
        LoraSettings settings = settings(cfg, cfgFile);
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        Safetensors.read(weights).forEach((name, t) -> tensors.put(name, toArray(t)));
        Optional<Gpt2Config> geometry = cfg.has("n_embd") && cfg.has("n_layer") && cfg.has("vocab_size")
                ? Optional.of(new Gpt2Config(cfg.get("vocab_size").asInt(), cfg.path("n_positions").asInt(1024),
                cfg.get("n_embd").asInt(), cfg.get("n_layer").asInt(), cfg.path("n_head").asInt(1), 1e-5, "gelu_new", true))
                : Optional.empty();
        return new Adapter(settings, cfg.path("base_model").asText(""), geometry, tensors, dir);
    }

    private static LoraSettings settings(JsonNode cfg, Path file) {
        for (String key : List.of("r", "lora_alpha", "targets")) {
            if (!cfg.has(key)) throw new InputError(file + ": missing key '" + key + "'");
        }
        List<LoraTarget> targets = new ArrayList<>();
        for (JsonNode t : cfg.get("targets")) {
            try {
                targets.add(LoraTarget.valueOf(t.asText().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new InputError(file + ": unknown target '" + t.asText() + "' in 'targets'");
            }
        }
        LoraBias bias;
        try {
            bias = LoraBias.valueOf(cfg.path("bias").asText("none").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InputError(file + ": unknown bias mode '" + cfg.path("bias").asText() + "'");
        }
        try {
            return new LoraSettings(cfg.get("r").asInt(), cfg.get("lora_alpha").asDouble(),
                    cfg.path("lora_dropout").asDouble(0), targets, bias, Optional.empty());
        } catch (RuntimeException e) {
            throw new InputError(file + ": " + e.getMessage(), e);
        }
    }

    /** An adapter tensor as stored: float32, row-major. */
    public static Tensor toTensor(String name, INDArray value) {
        float[] data = value.castTo(DataType.FLOAT).dup('c').data().asFloat();
        return new Tensor(name, DType.F32, value.shape(), data);
    }

    static INDArray toArray(Tensor t) {
        return Nd4j.create(t.data(), t.shape(), 'c');
    }
}
