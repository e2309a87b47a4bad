package dev.lora.adapter.merge;

import dev.lora.config.LoraBias;
import dev.lora.config.LoraSettings;
import dev.lora.config.LoraTarget;
import dev.lora.io.Safetensors;
import dev.lora.io.Tensor;
import dev.lora.adapter.AdapterFiles;
import dev.lora.adapter.LoraModel;
import dev.lora.model.Gpt2Config;
import dev.lora.model.Gpt2Loader;
import dev.lora.model.Gpt2Model;
import dev.lora.model.Gpt2Weights;
import dev.lora.model.Param;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/** The tiny GPT-2 fixture, random adapters on it with every B non-zero, and merged folders loaded back. */
public final class MergeFixtures {
    public static final Path FIXTURES = Path.of("src/test/resources/fixtures").toAbsolutePath();
    public static final Path MODEL = FIXTURES.resolve("tiny-gpt2");
    public static final Path MERGE = FIXTURES.resolve("merge");
    /** Two rows of token ids spread over the vocabulary (so embedding rows of many tokens matter). */
    public static final int[][] IDS = {{464, 3290, 318, 257, 50256, 1110, 11, 13}, {15496, 995, 0, 7, 42, 8, 49000, 10}};

    private MergeFixtures() {
    }

    /** "q,v" -> [Q, V]. */
    public static List<LoraTarget> targets(String ids) {
        List<LoraTarget> out = new ArrayList<>();
        for (String id : ids.split(",")) out.add(LoraTarget.valueOf(id.strip().toUpperCase(Locale.ROOT)));
        return out;
    }

    public static LoraSettings settings(String targets, String bias) {
        return new LoraSettings(4, 8, 0, targets(targets), LoraBias.valueOf(bias.toUpperCase(Locale.ROOT)), Optional.empty());
    }

    /**
     * Writes an adapter for the tiny model: every A and B entry N(0, 0.2^2) (so no update vanishes, unlike
     * loralib's B = 0 init) and each trained bias the base value plus N(0, 0.1^2).
     */
    public static Path writeAdapter(Path dir, LoraSettings settings, long seed) {
        return writeAdapter(dir, Gpt2Loader.load(MODEL, DataType.FLOAT), settings, seed);
    }

    public static Path writeAdapter(Path dir, Gpt2Weights base, LoraSettings settings, long seed) {
        LoraModel model = LoraModel.create(base, settings, seed);
        Random rng = new Random(seed);
        for (Param p : model.trainable()) {
            INDArray v = p.value();
            boolean bias = p.name().endsWith(".bias");
            for (long i = 0; i < v.length(); i++) {
                v.putScalar(i, bias ? v.getDouble(i) + 0.1 * rng.nextGaussian() : 0.2 * rng.nextGaussian());
            }
        }
        AdapterFiles.write(dir, model, "tiny-gpt2");
        return dir;
    }

    /** Logits of the base model with the adapter attached, unmerged (the LM head is the base wte). */
    public static INDArray adapterLogits(Path adapter, DataType dtype) {
        Gpt2Model m = AdapterFiles.read(adapter).attach(Gpt2Loader.load(MODEL, dtype)).model();
        return m.logits(m.hidden(IDS, false));
    }

    /** Logits of a merged folder loaded as any model folder (an untied lm_head.weight included). */
    public static INDArray mergedLogits(Path folder, DataType dtype) {
        Gpt2Model m = new Gpt2Model(Gpt2Loader.load(folder, dtype));
        return m.logits(m.hidden(IDS, false));
    }

    public static Map<String, Tensor> tensors(Path folder) {
        return Safetensors.read(folder.resolve("model.safetensors"));
    }

    /** Base tensors by canonical name (transformer. prefix), as stored in the fixture. */
    public static Map<String, Tensor> baseTensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Gpt2Loader.readTensors(MODEL).forEach((name, t) -> {
            if (!name.endsWith(".attn.bias")) out.put(canonical(name), t);
        });
        return out;
    }

    public static String canonical(String name) {
        return name.startsWith("transformer.") || name.startsWith("lm_head.") ? name : "transformer." + name;
    }

    /** Exit status and stderr of one {@code lora} run. */
    public record Run(int status, String err) {
    }

    public static Run lora(String... args) {
        java.io.PrintStream oldErr = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        try {
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            int status = dev.lora.cli.Main.run(args);
            return new Run(status, err.toString(java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
        }
    }

    /** max |a - b| / max |b|. */
    public static double relativeError(INDArray a, INDArray b) {
        INDArray x = a.castTo(DataType.DOUBLE), y = b.castTo(DataType.DOUBLE);
        return x.sub(y).amaxNumber().doubleValue() / y.amaxNumber().doubleValue();
    }
}
