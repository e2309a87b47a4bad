package dev.lora.adapter.formats;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lora.config.LoraBias;
import dev.lora.config.LoraSettings;
import dev.lora.config.LoraTarget;
import dev.lora.io.InputError;
import dev.lora.io.Tensor;
import dev.lora.io.TorchCheckpoint;
import dev.lora.io.TorchPickle;
import dev.lora.io.JsonFiles;
import dev.lora.adapter.AdapterFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A checkpoint of microsoft/LoRA's GPT-2 code (examples/NLG), a torch.save file (.pt / .bin):
 * {@code {"model_state_dict": {...}}} or a bare state dict, keys with DistributedDataParallel's
 * {@code module.} prefix or without, loralib tensors {@code transformer.h.{i}.attn.c_attn.lora_A} [k*r, C] /
 * {@code lora_B} [k*C, r] (and {@code .lora_A} / {@code .lora_B} of any other loralib layer) next to the
 * full model's weights, which are ignored. The file stores neither lora_alpha nor which q/k/v slices are
 * enabled: alpha comes from {@code --lora-alpha}, else an {@code adapter_config.json} beside the file
 * (its lora_alpha, and targets/lora_dropout when present), else the paper's E2E value 32 with a warning;
 * two c_attn slices are q and v (the code's {@code enable_lora=[True, False, True]}), three are q, k, v.
 */
final class MicrosoftLoraFormat {
    private static final Logger LOG = LoggerFactory.getLogger(MicrosoftLoraFormat.class);
    /** Hu et al. 2021, E2E: lora_alpha 32 (microsoft/LoRA examples/NLG/README.md). */
    static final double PAPER_ALPHA = LoraSettings.DEFAULTS.alpha();

    private MicrosoftLoraFormat() {
    }

    static boolean isCheckpointFile(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".pt") || n.endsWith(".bin") || n.endsWith(".pth");
    }

    static AdapterFiles.Adapter read(Path file, OptionalDouble loraAlpha) {
        TorchCheckpoint checkpoint = TorchPickle.load(file);
        Map<String, Tensor> state = checkpoint.root() instanceof Map<?, ?> m && m.containsKey("model_state_dict")
                ? checkpoint.stateDict("model_state_dict") : checkpoint.stateDict();
        Optional<JsonNode> beside = besideConfig(file);

        Map<String, Tensor[]> pairs = new LinkedHashMap<>();
        int ignored = 0;
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String key = e.getKey();
            while (key.startsWith("module.")) key = key.substring("module.".length());
            boolean isA = key.endsWith(".lora_A");
            if (!isA && !key.endsWith(".lora_B")) {
                ignored++;
                continue;
            }
            String module = ModuleKind.canonical(key.substring(0, key.length() - ".lora_A".length()));
            if (ModuleKind.parse(module).isEmpty()) {
                throw new InputError(file + ": unexpected tensor '" + e.getValue().name() + "' (a LoRA matrix of a module"
                        + " this tool cannot adapt; supported: attn.c_attn, attn.c_proj, mlp.c_fc, mlp.c_proj, wte)");
            }
            pairs.computeIfAbsent(module, k -> new Tensor[2])[isA ? 0 : 1] = e.getValue();
        }
        if (pairs.isEmpty()) {
            throw new InputError(file + ": no LoRA tensors (keys ending in .lora_A / .lora_B); is this a microsoft/LoRA checkpoint?");
        }
        if (ignored > 0) LOG.debug("{}: ignoring {} tensors that are not LoRA matrices (the model weights)", file, ignored);

        double alpha = alpha(file, loraAlpha, beside);
        int[] configuredSlices = beside.map(MicrosoftLoraFormat::slices).orElse(null);
        List<ModuleUpdate> updates = new ArrayList<>();
        for (Map.Entry<String, Tensor[]> e : pairs.entrySet()) {
            ModuleKind.Name name = ModuleKind.parse(e.getKey()).orElseThrow();
            Tensor[] ab = e.getValue();
            for (int i = 0; i < 2; i++) {
                if (ab[i] == null) {
                    String have = ab[1 - i].name();
                    throw new InputError(file + ": missing tensor '" + have.substring(0, have.length() - 1) + (i == 0 ? "A" : "B")
                            + "' (it has '" + have + "')");
                }
            }
            Matrix a = Matrix.of(ab[0], file), b = Matrix.of(ab[1], file);
            if (name.kind() != ModuleKind.C_ATTN) {
                if (b.cols() != a.rows()) {
                    throw new InputError(file + ": tensor '" + ab[1].name() + "' has " + b.cols() + " columns but '"
                            + ab[0].name() + "' has " + a.rows() + " rows (the rank)");
                }
                updates.add(new ModuleUpdate(name, new int[0], a, b, a.rows(), alpha, ab[0].name()));
                continue;
            }
            int width = a.cols();
            int k = b.rows() / width;
            if (b.rows() % width != 0 || k < 1 || k > 3 || a.rows() % k != 0 || b.cols() != a.rows() / k) {
                throw new InputError(file + ": tensors '" + ab[0].name() + "' " + shape(a) + " and '" + ab[1].name() + "' "
                        + shape(b) + " are not a MergedLinear pair (A [k*r, C], B [k*C, r] with k enabled slices of q, k, v)");
            }
            int[] slices = configuredSlices != null ? configuredSlices : k == 3 ? new int[]{0, 1, 2} : k == 2 ? new int[]{0, 2} : null;
            if (slices == null || slices.length != k) {
                throw new InputError(file + ": tensor '" + ab[1].name() + "' holds " + k + " c_attn slice(s), and which of q, k, v"
                        + (k == 1 ? " it is" : " they are") + " is not stored in the file; put an adapter_config.json beside it with"
                        + " \"targets\" (e.g. [\"q\"])");
            }
            updates.add(new ModuleUpdate(name, slices, a, b, a.rows() / k, alpha, ab[0].name()));
        }
        int rank = updates.get(0).rank();
        for (ModuleUpdate u : updates) {
            if (u.rank() != rank) {
                throw new InputError(file + ": tensor '" + u.source() + "' has rank " + u.rank() + " but '" + updates.get(0).source()
                        + "' has rank " + rank + "; microsoft/LoRA uses one lora_dim for every layer");
            }
        }
        double dropout = beside.map(c -> c.path("lora_dropout").asDouble(LoraSettings.DEFAULTS.dropout()))
                .orElse(LoraSettings.DEFAULTS.dropout());
        return AdapterAssembler.assemble(updates, Map.of(), LoraBias.NONE, dropout,
                beside.map(c -> c.path("base_model").asText(c.path("base_model_name_or_path").asText(""))).orElse(""), file);
    }

    private static String shape(Matrix m) {
        return "[" + m.rows() + ", " + m.cols() + "]";
    }

    private static double alpha(Path file, OptionalDouble given, Optional<JsonNode> beside) {
        if (given.isPresent()) return given.getAsDouble();
        if (beside.isPresent() && beside.get().has("lora_alpha")) return beside.get().get("lora_alpha").asDouble();
        LOG.warn("{}: a microsoft/LoRA checkpoint does not store lora_alpha; assuming {} (the LoRA paper's E2E setting)."
                + " Pass --lora-alpha to set it.", file, (long) PAPER_ALPHA);
        return PAPER_ALPHA;
    }

    private static Optional<JsonNode> besideConfig(Path file) {
        Path cfg = file.toAbsolutePath().resolveSibling(PeftFormat.CONFIG);
        if (!Files.isRegularFile(cfg)) return Optional.empty();
        return Optional.of(JsonFiles.readObject(cfg, "adapter config"));
    }

    /** The q/k/v slices named by a beside config's "targets", or null when it names none. */
    private static int[] slices(JsonNode cfg) {
        if (!cfg.has("targets")) return null;
        List<Integer> out = new ArrayList<>();
        for (JsonNode t : cfg.get("targets")) {
            String id = t.asText().toLowerCase(Locale.ROOT);
            for (int s = 0; s < 3; s++) if (new LoraTarget[]{LoraTarget.Q, LoraTarget.K, LoraTarget.V}[s].id().equals(id)) out.add(s);
        }
        return out.stream().sorted().mapToInt(Integer::intValue).toArray();
    }
}
