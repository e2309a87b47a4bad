package dev.lora.adapter.merge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lora.config.LoraBias;
import dev.lora.config.LoraTarget;
import dev.lora.io.AtomicFiles;
import dev.lora.io.DType;
import dev.lora.io.InputError;
import dev.lora.io.ModelResolver;
import dev.lora.io.OutputFolder;
import dev.lora.io.Safetensors;
import dev.lora.io.Tensor;
import dev.lora.adapter.AdapterFiles;
import dev.lora.adapter.formats.AdapterReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code lora merge}: folds weighted adapters into a base GPT-2 and writes a Hugging Face model folder.
 *
 * <p>Every weight an adapter targets becomes W + sum_i w_i (alpha_i / r_i) (B_i A_i)^T, computed in
 * float64 and rounded once. A trained bias is an absolute value, so merging counts its change against the
 * model being merged into: b + sum_i w_i (b_i - b). Weight 1 gives the adapter's bias; weights add like the
 * low-rank updates; but unmerging (weight -1) from an already merged model cannot restore the original bias,
 * which the adapter does not record (a warning says so).
 *
 * <p>GPT-2 ties its LM head to wte, while an embedding adapter changes only the input embedding (the head
 * keeps the base wte, as in loralib and PEFT). Merging one therefore unties them: config.json gets
 * "tie_word_embeddings": false and model.safetensors an explicit {@code lm_head.weight} = the base wte, with
 * every key under the {@code transformer.} prefix (transformers refuses a file that mixes prefixed and bare
 * keys). Otherwise key names follow the base file and {@code lm_head.weight} is omitted.
 */
public final class Merge {
    private static final Logger LOG = LoggerFactory.getLogger(Merge.class);
    /** Files of a model folder that transformers reads besides the weights; copied when the base has them. */
    static final List<String> COPIED_FILES = List.of("vocab.json", "merges.txt", "tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "added_tokens.json", "generation_config.json");

    private Merge() {
    }

    /** One {@code --adapter PATH[:WEIGHT]}. */
    public record Input(Path adapter, double weight) {
        public Input {
            if (!Double.isFinite(weight)) throw new InputError("adapter " + adapter + ": weight must be a finite number, got " + weight);
        }

        /** Parses {@code PATH} or {@code PATH:WEIGHT}; a suffix after the last ':' that is not a number belongs to the path. */
        public static Input parse(String arg) {
            int colon = arg.lastIndexOf(':');
            if (colon > 0) {
                String tail = arg.substring(colon + 1).strip();
                if (tail.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
                    return new Input(Path.of(arg.substring(0, colon)), Double.parseDouble(tail));
                }
            }
            return new Input(Path.of(arg), 1.0);
        }
    }

    /**
     * @param model    base model folder or hub id
     * @param dtype    output element type; empty keeps each base tensor's stored type
     * @param force    replace an existing non-empty {@code out}
     */
    public record Options(String model, List<Input> adapters, Path out, Optional<DType> dtype, boolean force,
                          AdapterReader.Options read) {
        public Options {
            adapters = List.copyOf(adapters);
            if (adapters.isEmpty()) throw new InputError("give at least one --adapter");
        }
    }

    /** What was written: the folder, the tensors the adapters changed, whether the LM head was untied. */
    public record Result(Path out, List<String> changed, boolean untied) {
    }

    public static Result run(Options o) {
        for (Input in : o.adapters()) OutputFolder.refuseOverlap("--out", o.out(), Map.of("--adapter", in.adapter()));
        OutputFolder.refuseExisting(o.out(), o.force());
        // --force replaces --out only when the merged model is written, so the base is checked here, once resolved.
        Path modelDir = ModelResolver.fromEnvironment().resolve(o.model());
        OutputFolder.refuseOverlap("--out", o.out(), Map.of("--model", modelDir));
        BaseModel base = BaseModel.read(modelDir);
        List<AdapterFiles.Adapter> adapters = new ArrayList<>();
        for (Input in : o.adapters()) {
            AdapterFiles.Adapter a = AdapterReader.read(in.adapter(), o.read());
            AdapterFit.check(a, base.config());
            if (a.settings().bias() != LoraBias.NONE && in.weight() < 0) {
                LOG.warn("{}: trained biases with weight {}: each bias moves by weight x (adapter bias - bias of the model"
                        + " merged into); unmerging from a merged model leaves the adapter's biases in place", in.adapter(), in.weight());
            }
            adapters.add(a);
        }
        return write(base, adapters, o);
    }

    private static Result write(BaseModel base, List<AdapterFiles.Adapter> adapters, Options o) {
        Map<String, List<LowRankUpdate>> updates = new LinkedHashMap<>();
        Map<String, List<BiasChange>> biases = new LinkedHashMap<>();
        boolean embedding = false;
        for (int i = 0; i < adapters.size(); i++) {
            AdapterFiles.Adapter a = adapters.get(i);
            double w = o.adapters().get(i).weight();
            for (LowRankUpdate u : AdapterDelta.updates(a, base.config(), w)) {
                updates.computeIfAbsent(u.tensor(), k -> new ArrayList<>()).add(u);
            }
            AdapterDelta.biases(a).forEach((name, values) ->
                    biases.computeIfAbsent(name, k -> new ArrayList<>()).add(new BiasChange(w, values)));
            embedding |= a.settings().targets().contains(LoraTarget.WTE);
        }
        boolean untie = embedding && base.lmHead().isEmpty();
        boolean prefixed = base.prefixed() || untie || base.lmHead().isPresent();

        List<Tensor> out = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : base.tensors().entrySet()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            float[] values = t.data();
            if (updates.containsKey(name)) values = MergedValues.weight(t, updates.get(name));
            else if (biases.containsKey(name)) values = MergedValues.bias(t, biases.get(name));
            if (values != t.data()) changed.add(name);
            out.add(new Tensor(prefixed ? name : name.substring("transformer.".length()), o.dtype().orElse(t.dtype()), t.shape(), values));
        }
        Tensor wte = base.tensors().get("transformer.wte.weight");
        Optional<Tensor> head = base.lmHead().or(() -> untie ? Optional.of(wte) : Optional.empty());
        head.ifPresent(h -> out.add(new Tensor(BaseModel.LM_HEAD, o.dtype().orElse(h.dtype()), h.shape(), h.data())));

        ObjectNode config = base.configJson().deepCopy();
        if (!config.has("model_type")) config.put("model_type", "gpt2");
        if (untie) config.put("tie_word_embeddings", false);
        Set<DType> types = EnumSet.noneOf(DType.class);
        out.forEach(t -> types.add(t.dtype()));
        if (types.size() == 1) config.put("torch_dtype", torchName(types.iterator().next()));

        AtomicFiles.writeFolder(o.out(), folder -> {
            Safetensors.write(folder.resolve("model.safetensors"), out, Map.of("format", "pt"));
            Files.writeString(folder.resolve("config.json"), new ObjectMapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(config) + "\n");
            for (String name : COPIED_FILES) {
                Path from = base.folder().resolve(name);
                if (Files.isRegularFile(from)) Files.copy(from, folder.resolve(name));
            }
        });
        LOG.info("Merged {} adapter(s) into {} of {} tensors{}; wrote {} ({})", adapters.size(), changed.size(),
                base.tensors().size(), untie ? " (LM head untied from the merged wte)" : "", o.out(),
                types.size() == 1 ? types.iterator().next() : types);
        return new Result(o.out(), changed, untie);
    }

    private static String torchName(DType t) {
        return switch (t) {
            case F32 -> "float32";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            case F64 -> "float64";
        };
    }

    /** A trained bias of an adapter with its merge weight. */
    record BiasChange(double weight, float[] values) {
    }
}
