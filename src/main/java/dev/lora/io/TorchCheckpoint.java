package dev.lora.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a torch.save file held: {@code root} is the unpickled object tree, where dicts are ordered
 * {@code Map<String, Object>} (keys as {@code String.valueOf}), lists and tuples {@code List<Object>},
 * tensors {@link Tensor} or {@link UnsupportedTensor} named by their dotted path from the root
 * ("model_state_dict.h.0.attn.c_attn.weight"), and other leaves Integer, Long, Double, Boolean, String,
 * byte[], Set or null; Python objects lora does not model are maps of their attributes (when pickled
 * by state) or {@link PythonObject}s.
 */
public record TorchCheckpoint(Path file, Object root) {

    /** Every float tensor in the file, keyed by dotted path from the root, in file order. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect(root, "", out, null);
        return out;
    }

    /**
     * The float tensors under the top-level entry {@code key} (e.g. "model_state_dict"), keyed and named
     * by their dotted path below it, or an InputError listing the keys the file has.
     */
    public Map<String, Tensor> stateDict(String key) {
        Object node = topLevel(key);
        Map<String, Tensor> out = new LinkedHashMap<>();
        if (node instanceof Tensor t) {
            out.put(key, t.withName(key));
        } else {
            collect(node, "", out, null);
        }
        return out;
    }

    /** Tensors whose element type lora does not hold, which {@link #stateDict()} leaves out. */
    public List<UnsupportedTensor> unsupportedTensors() {
        List<UnsupportedTensor> out = new ArrayList<>();
        collect(root, "", new LinkedHashMap<>(), out);
        return out;
    }

    /** The top-level entry {@code key}, or an InputError naming the file, the key and the keys it has. */
    public Object topLevel(String key) {
        if (!(root instanceof Map<?, ?> map)) {
            throw InputError.at(file, 0, "holds a " + kind(root) + ", not a dict, so it has no key '" + key + "'");
        }
        if (!map.containsKey(key)) {
            throw InputError.at(file, 0, "has no top-level key '" + key + "' (it has: " + String.join(", ", keys(map))
                    + ")");
        }
        return map.get(key);
    }

    private static List<String> keys(Map<?, ?> map) {
        List<String> keys = new ArrayList<>();
        for (Object k : map.keySet()) keys.add(String.valueOf(k));
        return keys.size() > 20 ? Collections.unmodifiableList(keys.subList(0, 20)) : keys;
    }

    private static String kind(Object o) {
        if (o instanceof Tensor) return "single tensor";
        if (o instanceof List) return "list";
        return o == null ? "None" : o.getClass().getSimpleName();
    }

    private static void collect(Object node, String path, Map<String, Tensor> tensors, List<UnsupportedTensor> unsupported) {
        if (node instanceof Tensor t) {
            tensors.put(path, path.equals(t.name()) ? t : t.withName(path));
        } else if (node instanceof UnsupportedTensor u) {
            if (unsupported != null) unsupported.add(u.withName(path));
        } else if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> collect(v, join(path, String.valueOf(k)), tensors, unsupported));
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) collect(list.get(i), join(path, String.valueOf(i)), tensors, unsupported);
        }
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
