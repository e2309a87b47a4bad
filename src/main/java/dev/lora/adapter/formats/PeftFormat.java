package dev.lora.adapter.formats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lora.config.LoraBias;
import dev.lora.config.LoraSettings;
import dev.lora.config.LoraTarget;
import dev.lora.io.DType;
import dev.lora.io.InputError;
import dev.lora.io.Safetensors;
import dev.lora.io.Tensor;
import dev.lora.io.TorchPickle;
import dev.lora.adapter.AdapterFiles;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Hugging Face PEFT's LoRA adapter folder: {@code adapter_config.json} ({@code peft_type} "LORA") and
 * {@code adapter_model.safetensors} (or the older {@code adapter_model.bin}) with keys
 * {@code base_model.model.<module>.lora_A.weight} [r, in] / {@code lora_B.weight} [out, r] and, for the
 * embedding, {@code base_model.model.transformer.wte.lora_embedding_A} [r, vocab] / {@code lora_embedding_B}
 * [C, r]; the update is (B A)^T * lora_alpha / r (fan_in_fan_out, GPT-2's Conv1D layout).
 *
 * <p>PEFT has no per-slice flags: c_attn carries one rank-R update over all of q, k and v. This tool's
 * q/v-only adapter of rank r is written as rank k*r with A the stacked slice A's, B block-structured (zero
 * rows for disabled slices) and alpha k*alpha, so the update is exactly the same; reading detects that block
 * structure and recovers the slices bit-exactly. Other c_attn updates become a q,k,v adapter of rank R
 * whose three slices share A.
 */
public final class PeftFormat {
    public static final String CONFIG = "adapter_config.json";
    public static final String WEIGHTS = "adapter_model.safetensors";
    static final String LEGACY_WEIGHTS = "adapter_model.bin";
    static final String PREFIX = "base_model.model.";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LORA_KEY = Pattern.compile("(.+)\\.(lora_A\\.weight|lora_B\\.weight|lora_embedding_A|lora_embedding_B)");
    private static final Pattern BIAS_KEY = Pattern.compile("(.+?)(\\.base_layer)?\\.bias");

    private PeftFormat() {
    }

    /** Whether a parsed adapter_config.json is PEFT's (it names a peft_type). */
    static boolean isPeftConfig(JsonNode cfg) {
        return cfg.has("peft_type");
    }

    // ---------------------------------------------------------------- reading

    static AdapterFiles.Adapter read(Path dir, JsonNode cfg) {
        Path cfgFile = dir.resolve(CONFIG);
        String type = cfg.path("peft_type").asText();
        if (!type.equals("LORA")) {
            throw new InputError(cfgFile + ": peft_type is '" + type + "'; only LoRA adapters (peft_type LORA) can be read");
        }
        if (cfg.path("use_dora").asBoolean(false)) {
            throw new InputError(cfgFile + ": use_dora is true; DoRA adapters are not LoRA updates this tool can represent");
        }
        Path weights = weightsFile(dir);
        Map<String, Tensor> stored = weights.getFileName().toString().endsWith(".safetensors")
                ? Safetensors.read(weights) : TorchPickle.loadStateDict(weights);

        Map<String, Tensor[]> pairs = new LinkedHashMap<>();
        Map<String, INDArray> biases = new LinkedHashMap<>();
        for (Tensor t : stored.values()) {
            if (!t.name().startsWith(PREFIX)) {
                throw new InputError(weights + ": unexpected tensor '" + t.name() + "' (PEFT keys start with " + PREFIX + ")");
            }
            String key = t.name().substring(PREFIX.length());
            Matcher lora = LORA_KEY.matcher(key);
            Matcher bias = BIAS_KEY.matcher(key);
            if (lora.matches()) {
                String module = ModuleKind.canonical(lora.group(1));
                boolean embedding = lora.group(2).startsWith("lora_embedding");
                if (ModuleKind.parse(module).map(n -> (n.kind() == ModuleKind.WTE) != embedding).orElse(true)) {
                    throw new InputError(weights + ": unexpected tensor '" + t.name() + "' (not a LoRA matrix of a GPT-2"
                            + " module this tool can adapt: attn.c_attn, attn.c_proj, mlp.c_fc, mlp.c_proj, wte)");
                }
                boolean isA = lora.group(2).equals("lora_A.weight") || lora.group(2).equals("lora_embedding_A");
                pairs.computeIfAbsent(module, m -> new Tensor[2])[isA ? 0 : 1] = t;
            } else if (bias.matches() && !key.contains("lora_")) {
                biases.put(ModuleKind.canonical(bias.group(1) + ".bias"), Nd4j.create(t.data().clone(), t.shape(), 'c'));
            } else {
                throw new InputError(weights + ": unexpected tensor '" + t.name() + "' (not a LoRA matrix or bias;"
                        + " modules_to_save, DoRA and lora_bias are not supported)");
            }
        }
        ModulePatterns patterns = new ModulePatterns(cfg, cfgFile);
        List<ModuleUpdate> updates = new ArrayList<>();
        List<Tensor[]> attn = new ArrayList<>();
        List<ModuleKind.Name> attnNames = new ArrayList<>();
        for (Map.Entry<String, Tensor[]> e : pairs.entrySet()) {
            Tensor[] ab = e.getValue();
            String module = e.getKey();
            ModuleKind.Name name = ModuleKind.parse(module).orElseThrow();
            for (int i = 0; i < 2; i++) {
                if (ab[i] == null) {
                    Tensor other = ab[1 - i];
                    throw new InputError(weights + ": missing tensor '" + counterpart(other.name()) + "' (it has '"
                            + other.name() + "')");
                }
            }
            Matrix a = Matrix.of(ab[0], weights), b = Matrix.of(ab[1], weights);
            int r = a.rows();
            if (b.cols() != r) {
                throw new InputError(weights + ": tensor '" + ab[1].name() + "' has " + b.cols() + " columns but '"
                        + ab[0].name() + "' has rank " + r + " rows");
            }
            int configured = patterns.rank(module);
            if (configured != r) {
                throw new InputError(weights + ": tensor '" + ab[0].name() + "' has rank " + r + " but " + CONFIG
                        + " gives this module r=" + configured + " (r / rank_pattern)");
            }
            double alpha = patterns.alpha(module);
            if (name.kind() == ModuleKind.C_ATTN) {
                if (b.rows() != 3 * a.cols()) {
                    throw new InputError(weights + ": tensor '" + ab[1].name() + "' has " + b.rows() + " rows; c_attn's"
                            + " output is 3 x n_embd = " + 3 * a.cols() + " wide (n_embd " + a.cols() + " from lora_A)");
                }
                attn.add(ab);
                attnNames.add(name);
                continue;
            }
            updates.add(new ModuleUpdate(name, new int[0], a, b, r, alpha, ab[0].name()));
        }
        updates.addAll(CAttnBlocks.split(attn, attnNames, patterns, weights));
        LoraBias bias = bias(cfg, cfgFile);
        double dropout = cfg.path("lora_dropout").asDouble(0);
        return AdapterAssembler.assemble(updates, biases, bias, dropout, cfg.path("base_model_name_or_path").asText(""), dir);
    }

    /** The other matrix of a LoRA pair: lora_A.weight for lora_B.weight, lora_embedding_B for lora_embedding_A, ... */
    private static String counterpart(String name) {
        int at = name.lastIndexOf("_A");
        int bt = name.lastIndexOf("_B");
        return at > bt ? name.substring(0, at) + "_B" + name.substring(at + 2) : name.substring(0, bt) + "_A" + name.substring(bt + 2);
    }

    private static Path weightsFile(Path dir) {
        Path st = dir.resolve(WEIGHTS);
        if (Files.isRegularFile(st)) return st;
        Path bin = dir.resolve(LEGACY_WEIGHTS);
        if (Files.isRegularFile(bin)) return bin;
        throw new InputError(dir + ": PEFT adapter folder without " + WEIGHTS + " or " + LEGACY_WEIGHTS);
    }

    private static LoraBias bias(JsonNode cfg, Path file) {
        String mode = cfg.path("bias").asText("none");
        try {
            return LoraBias.valueOf(mode.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InputError(file + ": unknown bias mode '" + mode + "' (expected none, all or lora_only)");
        }
    }

    /** PEFT's per-module r and alpha: rank_pattern / alpha_pattern keys match a module name by regex suffix. */
    static final class ModulePatterns {
        private final int r;
        private final double alpha;
        private final boolean rslora;
        private final Map<Pattern, JsonNode> ranks = new LinkedHashMap<>();
        private final Map<Pattern, JsonNode> alphas = new LinkedHashMap<>();

        ModulePatterns(JsonNode cfg, Path file) {
            this.r = cfg.path("r").asInt(8);
            this.alpha = cfg.path("lora_alpha").asDouble(8);
            this.rslora = cfg.path("use_rslora").asBoolean(false);
            compile(cfg.path("rank_pattern"), ranks, file);
            compile(cfg.path("alpha_pattern"), alphas, file);
        }

        private static void compile(JsonNode node, Map<Pattern, JsonNode> out, Path file) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                try {
                    // As PEFT's get_pattern_key: re.match(rf"(.*\.)?({key})$", module)
                    out.put(Pattern.compile("(.*\\.)?(" + e.getKey() + ")"), e.getValue());
                } catch (PatternSyntaxException ex) {
                    throw new InputError(file + ": pattern '" + e.getKey() + "' is not a valid regular expression");
                }
            }
        }

        private static JsonNode lookup(Map<Pattern, JsonNode> patterns, String module) {
            for (Map.Entry<Pattern, JsonNode> e : patterns.entrySet()) {
                if (e.getKey().matcher(module).matches()) return e.getValue();
            }
            return null;
        }

        int rank(String module) {
            JsonNode n = lookup(ranks, module);
            return n == null ? r : n.asInt();
        }

        /**
         * The module's alpha in loralib's terms (scaling = alpha / rank): lora_alpha as stored, or with
         * use_rslora (scaling lora_alpha / sqrt(r)) lora_alpha * sqrt(r).
         */
        double alpha(String module) {
            JsonNode n = lookup(alphas, module);
            double a = n == null ? alpha : n.asDouble();
            return rslora ? a * Math.sqrt(rank(module)) : a;
        }
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes {@code adapter} as a PEFT LoRA folder into {@code dir} (which the caller makes atomic); returns the
     * adapter_config.json it wrote.
     */
    public static ObjectNode writeInto(Path dir, AdapterFiles.Adapter adapter) throws IOException {
        LoraSettings s = adapter.settings();
        int[] slices = qkvSlices(s.targets());
        List<Tensor> out = new ArrayList<>();
        List<String> adapted = new ArrayList<>();
        Map<String, INDArray> biases = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : adapter.tensors().entrySet()) {
            String name = e.getKey();
            if (name.endsWith(".bias")) {
                biases.put(name, e.getValue());
                continue;
            }
            boolean isA = name.endsWith(".lora_A");
            String module = name.substring(0, name.length() - ".lora_A".length());
            ModuleKind.Name kind = ModuleKind.parse(module).filter(n -> isA || name.endsWith(".lora_B")).orElseThrow(() ->
                    new InputError(adapter.source() + ": unexpected tensor '" + name + "' (not a LoRA matrix this tool knows)"));
            Matrix m = Matrix.of(e.getValue());
            String key;
            if (kind.kind() == ModuleKind.WTE) {
                key = PREFIX + module + (isA ? ".lora_embedding_A" : ".lora_embedding_B");
            } else {
                key = PREFIX + module + (isA ? ".lora_A.weight" : ".lora_B.weight");
                if (kind.kind() == ModuleKind.C_ATTN && !isA) {
                    if (slices.length == 0 || m.rows() % slices.length != 0) {
                        throw new InputError(adapter.source() + ": tensor '" + name + "' does not fit targets " + s.targets());
                    }
                    m = CAttnBlocks.blockDiagonal(m, slices, s.r());
                }
            }
            out.add(m.toTensor(key));
            if (isA) adapted.add(module);
        }
        biases.forEach((name, value) -> {
            String module = name.substring(0, name.length() - ".bias".length());
            // PEFT (>= 0.7) wraps each adapted layer, whose own bias then lives under base_layer.
            String key = PREFIX + (adapted.contains(module) ? module + ".base_layer.bias" : name);
            out.add(AdapterFiles.toTensor(key, value));
        });
        Files.createDirectories(dir);
        Safetensors.write(dir.resolve(WEIGHTS), out, Map.of("format", "pt"), DType.F32);
        ObjectNode cfg = config(adapter, slices.length);
        Files.writeString(dir.resolve(CONFIG), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(cfg) + "\n");
        return cfg;
    }

    /**
     * The PEFT config. c_attn gets rank k*r and alpha k*alpha (same scaling alpha/r); when other modules are
     * adapted too, they keep r and alpha and c_attn's values go to rank_pattern / alpha_pattern (PEFT >= 0.6).
     * Only keys PEFT 0.6 already knew are written, since older PEFT versions refuse unknown keys.
     */
    static ObjectNode config(AdapterFiles.Adapter adapter, int k) {
        LoraSettings s = adapter.settings();
        List<String> modules = new ArrayList<>();
        if (k > 0) modules.add(ModuleKind.C_ATTN.suffix);
        for (ModuleKind kind : List.of(ModuleKind.ATTN_PROJ, ModuleKind.MLP_FC, ModuleKind.MLP_PROJ, ModuleKind.WTE)) {
            if (s.targets().contains(kind.target)) modules.add(kind.suffix);
        }
        boolean onlyAttn = modules.size() == 1 && k > 0;
        int r = onlyAttn ? k * s.r() : s.r();
        double alpha = onlyAttn ? k * s.alpha() : s.alpha();
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("peft_type", "LORA");
        cfg.put("task_type", "CAUSAL_LM");
        if (adapter.baseModel().isEmpty()) cfg.putNull("base_model_name_or_path");
        else cfg.put("base_model_name_or_path", adapter.baseModel());
        cfg.putNull("revision");
        cfg.put("inference_mode", true);
        cfg.put("r", r);
        putNumber(cfg, "lora_alpha", alpha);
        cfg.put("lora_dropout", s.dropout());
        ArrayNode targets = cfg.putArray("target_modules");
        modules.forEach(targets::add);
        cfg.put("fan_in_fan_out", true);
        cfg.put("bias", s.bias().id());
        cfg.putNull("modules_to_save");
        cfg.put("init_lora_weights", true);
        cfg.putNull("layers_to_transform");
        cfg.putNull("layers_pattern");
        ObjectNode ranks = cfg.putObject("rank_pattern");
        ObjectNode alphas = cfg.putObject("alpha_pattern");
        if (!onlyAttn && k > 1) {
            ranks.put(ModuleKind.C_ATTN.suffix, k * s.r());
            putNumber(alphas, ModuleKind.C_ATTN.suffix, k * s.alpha());
        }
        return cfg;
    }

    private static void putNumber(ObjectNode node, String key, double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) node.put(key, (long) value);
        else node.put(key, value);
    }

    static int[] qkvSlices(List<LoraTarget> targets) {
        List<Integer> out = new ArrayList<>();
        LoraTarget[] qkv = {LoraTarget.Q, LoraTarget.K, LoraTarget.V};
        for (int i = 0; i < 3; i++) if (targets.contains(qkv[i])) out.add(i);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
