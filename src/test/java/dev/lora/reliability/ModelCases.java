package dev.lora.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lora.io.InputError;
import dev.lora.model.Gpt2Loader;
import dev.lora.model.WeightCheck;
import dev.lora.reliability.BadInput.Call;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static dev.lora.reliability.ConfigCases.train;
import static dev.lora.reliability.Scratch.BASE_CONFIG;

/** Damaged model folders given to {@code lora train} (config key model). */
final class ModelCases {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ST = "model.safetensors";
    private static final String BIN = "pytorch_model.bin";

    private ModelCases() {
    }

    @FunctionalInterface
    private interface Damage {
        /** Damages the model copy; returns what the message must name beyond the folder's files. */
        List<String> apply(Path model) throws Exception;
    }

    /** A copy of the tiny model with one weights format, damaged; the message must name what damage returns. */
    private static BadInput model(String id, String problem, String weights, Damage damage) {
        return new BadInput(id, problem, s -> {
            Path m = s.model(weights);
            List<String> names = damage.apply(m);
            Path cfg = s.config("run.yaml", BASE_CONFIG, m, Scratch.DATA);
            return new Call(train(cfg), names);
        });
    }

    /** config.json edited; the message must name it (or, with {@code blamed} = ST, the weights it disagrees with). */
    private static BadInput configJson(String id, String problem, String blamed, Consumer<ObjectNode> edit,
                                       String... mustName) {
        return model(id, problem, ST, m -> {
            Path f = m.resolve("config.json");
            ObjectNode c = (ObjectNode) JSON.readTree(f.toFile());
            edit.accept(c);
            Files.writeString(f, c.toPrettyString());
            return names(m.resolve(blamed), mustName);
        });
    }

    private static BadInput header(String id, String problem, Consumer<SafetensorsBytes> edit, String... mustName) {
        return model(id, problem, ST, m -> {
            Path f = m.resolve(ST);
            SafetensorsBytes st = SafetensorsBytes.parse(Files.readAllBytes(f));
            edit.accept(st);
            Files.write(f, st.bytes());
            return names(f, mustName);
        });
    }

    private static List<String> names(Path file, String... more) {
        String[] all = Arrays.copyOf(new String[] {file.toString()}, 1 + more.length);
        System.arraycopy(more, 0, all, 1, more.length);
        return List.of(all);
    }

    /** Writes value into element index of a tensor of the safetensors file. */
    private static BadInput poisoned(String id, String problem, String tensor, float value) {
        return new BadInput(id, problem, s -> {
            Path m = s.model(ST);
            Path f = m.resolve(ST);
            byte[] bytes = Files.readAllBytes(f);
            SafetensorsBytes st = SafetensorsBytes.parse(bytes);
            int at = bytes.length - st.data().length + st.offsetOf(tensor, 5);
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putFloat(at, value);
            Files.write(f, bytes);
            Path cfg = s.config("run.yaml", BASE_CONFIG, m, Scratch.DATA);
            return new Call(train(cfg, "--check-weights"), names(f, "'" + tensor + "'"), "--check-weights", () -> {
                try {
                    WeightCheck.scan(Gpt2Loader.readTensors(m), Gpt2Loader.weightsFile(m));
                    return "(no error)";
                } catch (InputError e) {
                    return "lora: " + e.getMessage();
                }
            });
        });
    }

    static List<BadInput> all() {
        return List.of(
                new BadInput("model-missing", "model folder does not exist (and is no hub id)", s -> {
                    Path m = s.dir().resolve("no-such-model");
                    return Call.of(train(s.config("run.yaml", BASE_CONFIG, m, Scratch.DATA)), m.toString());
                }),
                new BadInput("model-is-file", "model is a file, not a folder", s -> {
                    Path m = s.write("model.bin", "not a folder");
                    return Call.of(train(s.config("run.yaml", BASE_CONFIG, m, Scratch.DATA)), m.toString());
                }),
                model("model-no-config", "model folder without config.json", ST, m -> {
                    Files.delete(m.resolve("config.json"));
                    return List.of(m.toString(), "config.json");
                }),
                model("model-config-not-json", "config.json is not JSON", ST, m -> {
                    Files.writeString(m.resolve("config.json"), "{\"n_embd\": 32,\n \"n_layer\": 2,,\n}");
                    return List.of(m.resolve("config.json").toString());
                }),
                model("model-config-not-object", "config.json is a JSON list", ST, m -> {
                    Files.writeString(m.resolve("config.json"), "[32, 2, 4]");
                    return List.of(m.resolve("config.json").toString());
                }),
                configJson("model-config-missing-key", "config.json without n_embd", "config.json", c -> c.remove("n_embd"), "n_embd"),
                configJson("model-config-wrong-type", "config.json n_layer is a string", "config.json", c -> c.put("n_layer", "two"), "n_layer"),
                configJson("model-config-zero", "config.json n_head = 0", "config.json", c -> c.put("n_head", 0), "n_head"),
                configJson("model-config-heads", "n_embd not divisible by n_head", "config.json", c -> c.put("n_head", 5), "n_head"),
                configJson("model-config-activation", "unsupported activation_function", "config.json",
                        c -> c.put("activation_function", "relu"), "activation_function"),
                configJson("model-config-geometry", "config.json n_embd does not match the weights", ST,
                        c -> c.put("n_embd", 64), "'wte.weight'"),
                configJson("model-config-layers", "config.json has more layers than the weights", ST,
                        c -> c.put("n_layer", 3), "'transformer.h.2.ln_1.weight'"),
                model("model-no-weights", "neither model.safetensors nor pytorch_model.bin", ST, m -> {
                    Files.delete(m.resolve(ST));
                    return List.of(m.toString());
                }),
                model("model-safetensors-empty", "model.safetensors is empty", ST, m -> {
                    Files.write(m.resolve(ST), new byte[0]);
                    return List.of(m.resolve(ST).toString());
                }),
                model("model-safetensors-length-lies", "header length beyond the end of the file", ST, m -> {
                    Path f = m.resolve(ST);
                    byte[] b = Files.readAllBytes(f);
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, b.length);
                    Files.write(f, b);
                    return List.of(f.toString());
                }),
                model("model-safetensors-length-huge", "header length 2^62", ST, m -> {
                    Path f = m.resolve(ST);
                    byte[] b = Files.readAllBytes(f);
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 62);
                    Files.write(f, b);
                    return List.of(f.toString());
                }),
                model("model-safetensors-header-garbage", "header is not JSON", ST, m -> {
                    Path f = m.resolve(ST);
                    byte[] b = Files.readAllBytes(f);
                    Arrays.fill(b, 8, 40, (byte) 'x');
                    Files.write(f, b);
                    return List.of(f.toString());
                }),
                header("model-safetensors-shape-lies", "header shape disagrees with data_offsets",
                        st -> ((ObjectNode) st.header().get("wpe.weight")).putArray("shape").add(32).add(32), "'wpe.weight'"),
                header("model-safetensors-overlap", "two tensors claim the same bytes", st -> {
                    ObjectNode a = (ObjectNode) st.header().get("h.0.ln_1.bias");
                    a.set("data_offsets", st.header().get("h.0.ln_1.weight").get("data_offsets").deepCopy());
                }, "'h.0.ln_1"),
                header("model-safetensors-huge-tensor", "header claims a 2^40-element tensor",
                        st -> ((ObjectNode) st.header().get("ln_f.bias")).putArray("shape").add(1L << 20).add(1L << 20), "'ln_f.bias'"),
                header("model-safetensors-dtype", "unknown dtype in the header",
                        st -> ((ObjectNode) st.header().get("ln_f.bias")).put("dtype", "I64"), "'ln_f.bias'"),
                header("model-safetensors-extra-tensor", "a tensor that is not a GPT-2 parameter", st -> {
                    ObjectNode wpe = (ObjectNode) st.header().remove("wpe.weight");
                    st.header().set("wpe.weights", wpe);
                }, "'wpe.weights'"),
                model("model-safetensors-truncated", "model.safetensors cut short", ST, m -> {
                    Path f = m.resolve(ST);
                    byte[] b = Files.readAllBytes(f);
                    Files.write(f, Arrays.copyOf(b, b.length - 1000));
                    return List.of(f.toString(), "'h.1.attn.bias'");
                }),
                model("model-safetensors-missing-tensor", "a parameter missing from the weights", ST, m -> {
                    Path f = m.resolve(ST);
                    byte[] b = Files.readAllBytes(f);
                    SafetensorsBytes st = SafetensorsBytes.parse(b);
                    // Drop ln_f.bias and the masks after it: they are the last bytes of the data.
                    int end = st.header().get("ln_f.bias").get("data_offsets").get(0).asInt();
                    for (String n : List.of("ln_f.bias", "h.0.attn.bias", "h.1.attn.bias")) st.header().remove(n);
                    Files.write(f, SafetensorsBytes.join(st.header().toString().getBytes(), Arrays.copyOf(st.data(), end)));
                    return List.of(f.toString(), "'transformer.ln_f.bias'");
                }),
                model("model-bin-truncated", "pytorch_model.bin cut short", BIN, m -> {
                    Path f = m.resolve(BIN);
                    byte[] b = Files.readAllBytes(f);
                    Files.write(f, Arrays.copyOf(b, b.length / 2));
                    return List.of(f.toString());
                }),
                model("model-bin-not-zip", "pytorch_model.bin is not a torch.save file", BIN, m -> {
                    Files.writeString(m.resolve(BIN), "version https://git-lfs.github.com/spec/v1\n");
                    return List.of(m.resolve(BIN).toString());
                }),
                model("model-bin-missing-storage", "pytorch_model.bin lacks a storage entry", BIN, m -> {
                    Path f = m.resolve(BIN);
                    rezip(f, "pytorch_model/data/3", bytes -> null);
                    return List.of(f.toString(), "pytorch_model/data/3");
                }),
                model("model-bin-string-length-lies", "a string in data.pkl claims 2 GiB (found by fuzzing)", BIN, m -> {
                    Path f = m.resolve(BIN);
                    rezip(f, "pytorch_model/data.pkl", p -> {
                        for (int i = 2; i < p.length - 4; i++) {
                            if (p[i] == 'X') { // BINUNICODE: 4-byte length, then the UTF-8 bytes
                                ByteBuffer.wrap(p, i + 1, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(i + 1, Integer.MAX_VALUE);
                                return p;
                            }
                        }
                        throw new IllegalStateException("no BINUNICODE opcode in the fixture's pickle");
                    });
                    return List.of(f.toString(), "data.pkl");
                }),
                poisoned("model-nan-weights", "a NaN in the weights (--check-weights)", "h.0.attn.c_attn.weight", Float.NaN),
                poisoned("model-inf-weights", "an infinity in the weights (--check-weights)", "ln_f.weight",
                        Float.NEGATIVE_INFINITY));
    }

    /** Rewrites a zip with one entry's bytes edited (dropped when the edit returns null). */
    private static void rezip(Path file, String entry, UnaryOperator<byte[]> edit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipFile in = new ZipFile(file.toFile()); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (ZipEntry e : in.stream().toList()) {
                byte[] bytes;
                try (var s = in.getInputStream(e)) {
                    bytes = s.readAllBytes();
                }
                if (e.getName().equals(entry)) bytes = edit.apply(bytes);
                if (bytes == null) continue;
                zip.putNextEntry(new ZipEntry(e.getName()));
                zip.write(bytes);
                zip.closeEntry();
            }
        }
        Files.write(file, out.toByteArray());
    }
}
