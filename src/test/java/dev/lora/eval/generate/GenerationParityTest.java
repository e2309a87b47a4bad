package dev.lora.eval.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lora.config.LoraBias;
import dev.lora.config.LoraSettings;
import dev.lora.config.LoraTarget;
import dev.lora.io.Safetensors;
import dev.lora.io.Tensor;
import dev.lora.adapter.LoraModel;
import dev.lora.model.Gpt2Loader;
import dev.lora.model.Gpt2Weights;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated token ids against the PyTorch reference search (scripts/reference/make_generation_fixtures.py:
 * full recompute every step, no early stop) on GPT-2s with a random q/v adapter, in float64: the 48-token
 * small-gpt2 (peaked distributions: stop tokens, n-gram bans, length penalty and the n_positions budget all
 * decide outputs) and the full-vocabulary tiny-gpt2 with the paper's settings. Prompts of different lengths
 * share batches, so left padding is exercised; with the cache and (two cases) with full recompute.
 */
class GenerationParityTest {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    private static final Path GENERATION = FIXTURES.resolve("generation");
    private static final Map<String, LoraModel> MODELS = new HashMap<>();

    static Stream<Arguments> cases() throws IOException {
        JsonNode root = new ObjectMapper().readTree(GENERATION.resolve("expected.json").toFile());
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            String name = c.get("name").asText();
            out.add(Arguments.of(name, true, c));
            // Full recompute is slow: two cases (one per model) suffice to show it decodes the same.
            if (name.equals("small-ban2-beam3") || name.equals("tiny-paper")) out.add(Arguments.of(name, false, c));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}, cache {1}")
    @MethodSource("cases")
    void generatedIdsMatchPyTorch(String name, boolean cache, JsonNode c) {
        LoraModel model = MODELS.computeIfAbsent(c.get("model").asText() + "+" + c.get("adapter").asText(),
                k -> load(c.get("model").asText(), c.get("adapter").asText()));
        JsonNode s = c.get("settings");
        Set<Integer> stops = new HashSet<>();
        s.get("stop_tokens").forEach(t -> stops.add(t.asInt()));
        Decoding decoding = Decoding.valueOf(s.get("decoding").asText().toUpperCase(Locale.ROOT));
        GenerationSettings settings = new GenerationSettings(decoding, s.get("beams").asInt(),
                s.get("length_penalty").asDouble(), s.get("no_repeat_ngram").asInt(), s.get("max_new_tokens").asInt(),
                stops, 1, 1, 0, 1, cache);
        List<int[]> prompts = new ArrayList<>();
        c.get("prompts").forEach(p -> prompts.add(ints(p)));
        // With the cache all prompts share one left-padded batch; without, batches of 2 (sorted by length).
        settings = settings.withContextsPerBatch(cache ? prompts.size() : 2);

        AtomicInteger done = new AtomicInteger();
        List<int[]> got = Generator.generate(model, prompts, settings, done::set);

        assertThat(done.get()).isEqualTo(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            assertThat(got.get(i)).as("%s prompt %d", name, i).containsExactly(ints(c.get("expected").get(i)));
        }
    }

    private static LoraModel load(String modelName, String adapterName) {
        Path modelDir = modelName.equals("tiny-gpt2") ? FIXTURES.resolve("tiny-gpt2") : GENERATION.resolve(modelName);
        Gpt2Weights base = Gpt2Loader.load(modelDir, DataType.DOUBLE);
        Path adapter = GENERATION.resolve(adapterName);
        try {
            JsonNode conf = new ObjectMapper().readTree(adapter.resolve("adapter_config.json").toFile());
            List<LoraTarget> targets = new ArrayList<>();
            conf.get("targets").forEach(t -> targets.add(LoraTarget.valueOf(t.asText().toUpperCase(Locale.ROOT))));
            LoraSettings settings = new LoraSettings(conf.get("r").asInt(), conf.get("lora_alpha").asDouble(),
                    conf.get("lora_dropout").asDouble(), targets,
                    LoraBias.valueOf(conf.get("bias").asText().toUpperCase(Locale.ROOT)), Optional.empty());
            Map<String, INDArray> tensors = new LinkedHashMap<>();
            for (Tensor t : Safetensors.read(adapter.resolve("adapter_model.safetensors")).values()) {
                tensors.put(t.name(), Nd4j.create(t.data(), t.shape(), 'c').castTo(DataType.DOUBLE));
            }
            return LoraModel.load(base, settings, tensors, adapter);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }
}
