package dev.lora.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lora.io.Safetensors;
import dev.lora.io.Tensor;
import dev.lora.reliability.BadInput.Call;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static dev.lora.reliability.ConfigCases.train;
import static dev.lora.reliability.Scratch.BASE_CONFIG;

/** Damaged adapters given to {@code lora eval --adapter} and to training as lora.init. */
final class AdapterCases {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG = "adapter_config.json";
    private static final String WEIGHTS = "adapter_model.safetensors";

    private AdapterCases() {
    }

    @FunctionalInterface
    private interface Damage {
        List<String> apply(Path adapter) throws Exception;
    }

    static List<String> eval(Scratch s, Path adapter, String... more) {
        List<String> args = new ArrayList<>(List.of("eval", "--model", Scratch.MODEL.toString(), "--adapter",
                adapter.toString(), "--data", Scratch.DATA.toString(), "--out", s.out().toString()));
        args.addAll(List.of(more));
        return args;
    }

    /** A copy of the fixture adapter (r 4, targets q and v), damaged, evaluated on the tiny model. */
    private static BadInput adapter(String id, String problem, Damage damage) {
        return new BadInput(id, problem, s -> {
            Path a = s.copy(Scratch.ADAPTER, "adapter");
            return new Call(eval(s, a), damage.apply(a));
        });
    }

    private static BadInput config(String id, String problem, Consumer<ObjectNode> edit, String... mustName) {
        return adapter(id, problem, a -> {
            Path f = a.resolve(CONFIG);
            ObjectNode c = (ObjectNode) JSON.readTree(f.toFile());
            edit.accept(c);
            Files.writeString(f, c.toPrettyString());
            List<String> names = new ArrayList<>(List.of(a.toString()));
            names.addAll(List.of(mustName));
            return names;
        });
    }

    private static BadInput tensors(String id, String problem, Consumer<Map<String, Tensor>> edit, String... mustName) {
        return adapter(id, problem, a -> {
            Path f = a.resolve(WEIGHTS);
            Map<String, Tensor> t = new LinkedHashMap<>(Safetensors.read(f));
            edit.accept(t);
            Safetensors.write(f, t, Map.of("format", "pt"));
            List<String> names = new ArrayList<>(List.of(f.toString()));
            names.addAll(List.of(mustName));
            return names;
        });
    }

    /** One NaN in h.0's c_attn lora_B, as a run that diverged on its last step leaves it. */
    private static void poison(Path weights) throws java.io.IOException {
        Map<String, Tensor> t = new LinkedHashMap<>(Safetensors.read(weights));
        Tensor b = t.get("transformer.h.0.attn.c_attn.lora_B");
        float[] values = b.data().clone();
        values[5] = Float.NaN;
        t.put(b.name(), new Tensor(b.name(), b.dtype(), b.shape(), values));
        Safetensors.write(weights, t, Map.of("format", "pt"));
    }

    static List<BadInput> all() {
        return List.of(
                new BadInput("adapter-missing", "--adapter folder does not exist", s -> {
                    Path a = s.dir().resolve("no-adapter");
                    return Call.of(eval(s, a), a.toString());
                }),
                adapter("adapter-no-weights", "adapter folder without adapter_model.safetensors", a -> {
                    Files.delete(a.resolve(WEIGHTS));
                    return List.of(a.toString());
                }),
                adapter("adapter-config-not-json", "adapter_config.json is not JSON", a -> {
                    Files.writeString(a.resolve(CONFIG), "{\"r\": 4,,}");
                    return List.of(a.resolve(CONFIG).toString());
                }),
                config("adapter-config-missing-r", "adapter_config.json without r", c -> c.remove("r"), "'r'"),
                config("adapter-config-r-zero", "adapter_config.json r = 0", c -> c.put("r", 0), "lora.r"),
                config("adapter-config-target", "adapter_config.json names an unknown target",
                        c -> c.putArray("targets").add("q").add("query"), "'query'"),
                config("adapter-geometry", "adapter made for another geometry (n_embd 64)", c -> c.put("n_embd", 64), "n_embd 64"),
                config("adapter-rank", "adapter_config.json r disagrees with the tensors", c -> c.put("r", 2),
                        "'transformer.h.0.attn.c_attn.lora_A'"),
                tensors("adapter-missing-tensor", "a LoRA tensor missing",
                        t -> t.remove("transformer.h.1.attn.c_attn.lora_B"), "'transformer.h.1.attn.c_attn.lora_B'"),
                tensors("adapter-extra-tensor", "a tensor the settings do not use",
                        t -> t.put("transformer.h.0.mlp.c_fc.lora_A", new Tensor("x", dev.lora.io.DType.F32, new long[] {4, 32},
                                new float[128])), "'transformer.h.0.mlp.c_fc.lora_A'"),
                tensors("adapter-wrong-shape", "a LoRA tensor of the wrong shape", t -> t.put("transformer.h.0.attn.c_attn.lora_B",
                        new Tensor("x", dev.lora.io.DType.F32, new long[] {64, 3}, new float[192])),
                        "'transformer.h.0.attn.c_attn.lora_B'"),
                adapter("adapter-weights-truncated", "adapter_model.safetensors cut short", a -> {
                    Path f = a.resolve(WEIGHTS);
                    byte[] b = Files.readAllBytes(f);
                    Files.write(f, java.util.Arrays.copyOf(b, b.length - 100));
                    return List.of(f.toString());
                }),
                adapter("adapter-nonfinite", "an adapter tensor holds NaN (saved from a diverged run)", a -> {
                    poison(a.resolve(WEIGHTS));
                    return List.of(a.toString(), "'transformer.h.0.attn.c_attn.lora_B'", "1 non-finite value", "train.lr");
                }),
                new BadInput("merge-nonfinite-adapter", "lora merge of an adapter that holds NaN", s -> {
                    Path a = s.copy(Scratch.ADAPTER, "adapter");
                    poison(a.resolve(WEIGHTS));
                    return Call.of(List.of("merge", "--model", Scratch.MODEL.toString(), "--adapter", a.toString(), "--out",
                            s.out().toString()), a.toString(), "non-finite");
                }),
                new BadInput("init-wrong-rank", "lora.init adapter has r 4 but the config says r 2", s -> {
                    Path cfg = s.config(BASE_CONFIG.replace("  targets: [q, v]\n", "  targets: [q, v]\n  init: " + Scratch.ADAPTER + "\n"));
                    return Call.of(train(cfg), Scratch.ADAPTER.toString(), "'transformer.h.0.attn.c_attn.lora_A'");
                }),
                new BadInput("eval-batch-zero", "lora eval --batch-size 0", s -> Call.of(eval(s, Scratch.ADAPTER, "--batch-size", "0"),
                        "--batch-size")),
                new BadInput("eval-max-seq-len", "lora eval --max-seq-len above n_positions", s ->
                        Call.of(eval(s, Scratch.ADAPTER, "--max-seq-len", "100"), "--max-seq-len")));
    }
}
