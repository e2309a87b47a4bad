package dev.lora.lora.formats;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lora.config.LoraSettings;
import dev.lora.io.DType;
import dev.lora.io.Safetensors;
import dev.lora.io.Tensor;
import dev.lora.lora.AdapterFiles;
import dev.lora.model.Gpt2Config;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes an adapter read from any format as this tool's own folder ({@link AdapterFiles}' layout: loralib
 * tensor names, float32, adapter_config.json with "format": "loralib"), without needing the base model.
 */
final class LoralibFormat {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LoralibFormat() {
    }

    static void writeInto(Path dir, AdapterFiles.Adapter adapter) throws IOException {
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
        if (adapter.geometry().isPresent()) {
            Gpt2Config g = adapter.geometry().get();
            cfg.put("n_embd", g.nEmbd());
            cfg.put("n_layer", g.nLayer());
            cfg.put("n_head", g.nHead());
            cfg.put("vocab_size", g.vocabSize());
            cfg.put("n_positions", g.nPositions());
        }
        List<Tensor> tensors = new ArrayList<>();
        adapter.tensors().forEach((name, value) -> tensors.add(new Tensor(name, DType.F32, value.shape(),
                value.castTo(DataType.FLOAT).dup('c').data().asFloat())));
        Files.createDirectories(dir);
        Safetensors.write(dir.resolve(AdapterFiles.WEIGHTS), tensors, Map.of("format", "pt"), DType.F32);
        Files.writeString(dir.resolve(AdapterFiles.CONFIG), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(cfg));
    }
}
