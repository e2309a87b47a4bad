package dev.lora.adapter.merge;

import dev.lora.config.LoraBias;
import dev.lora.config.LoraSettings;
import dev.lora.config.LoraTarget;
import dev.lora.io.InputError;
import dev.lora.adapter.AdapterFiles;
import dev.lora.adapter.LoraKeys;
import dev.lora.model.Adapters;
import dev.lora.model.Gpt2Config;
import dev.lora.model.Gpt2Weights;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tensors an adapter with given settings has for a base geometry (the layout loralib's layers give
 * them; see LoraAdapters), and the check that an adapter has exactly those: every mismatch is an
 * InputError naming the tensor.
 */
final class AdapterFit {
    private AdapterFit() {
    }

    /** LoRA matrices by name and shape, embedding first, then layer by layer. */
    static Map<String, long[]> loraShapes(LoraSettings s, Gpt2Config c) {
        long e = c.nEmbd(), r = s.r();
        Map<String, long[]> out = new LinkedHashMap<>();
        if (s.targets().contains(LoraTarget.WTE)) {
            out.put(LoraKeys.a(LoraKeys.WTE), new long[]{r, c.vocabSize()});
            out.put(LoraKeys.b(LoraKeys.WTE), new long[]{e, r});
        }
        long k = s.targets().stream().filter(t -> t == LoraTarget.Q || t == LoraTarget.K || t == LoraTarget.V).count();
        for (int i = 0; i < c.nLayer(); i++) {
            if (k > 0) put(out, LoraKeys.module(i, Adapters.Site.C_ATTN), r * k, e, e * k, r);
            if (s.targets().contains(LoraTarget.ATTN_PROJ)) put(out, LoraKeys.module(i, Adapters.Site.ATTN_PROJ), r, e, e, r);
            if (s.targets().contains(LoraTarget.MLP_FC)) put(out, LoraKeys.module(i, Adapters.Site.MLP_FC), r, e, 4 * e, r);
            if (s.targets().contains(LoraTarget.MLP_PROJ)) put(out, LoraKeys.module(i, Adapters.Site.MLP_PROJ), r, 4 * e, e, r);
        }
        return out;
    }

    private static void put(Map<String, long[]> out, String module, long aRows, long aCols, long bRows, long bCols) {
        out.put(LoraKeys.a(module), new long[]{aRows, aCols});
        out.put(LoraKeys.b(module), new long[]{bRows, bCols});
    }

    /** Biases the adapter may carry (loralib's mark_only_lora_as_trainable): all, or those of adapted layers. */
    static Map<String, long[]> biasShapes(LoraSettings s, Gpt2Config c) {
        Map<String, long[]> out = new LinkedHashMap<>();
        if (s.bias() == LoraBias.NONE) return out;
        Map<String, long[]> lora = loraShapes(s, c);
        Gpt2Weights.expectedShapes(c).forEach((name, shape) -> {
            if (!name.endsWith(".bias")) return;
            String module = name.substring(0, name.length() - ".bias".length());
            if (s.bias() == LoraBias.ALL || lora.containsKey(LoraKeys.a(module))) out.put(name, shape);
        });
        return out;
    }

    static void check(AdapterFiles.Adapter adapter, Gpt2Config base) {
        LoraSettings s = adapter.settings();
        Object source = adapter.source();
        String fits = " for the base model (n_embd " + base.nEmbd() + ", n_layer " + base.nLayer() + ", vocab "
                + base.vocabSize() + ") and r=" + s.r();
        Map<String, long[]> lora = loraShapes(s, base), biases = biasShapes(s, base);
        Map<String, INDArray> tensors = adapter.tensors();
        for (Map.Entry<String, long[]> e : lora.entrySet()) {
            INDArray t = tensors.get(e.getKey());
            if (t == null) {
                throw new InputError(source + ": missing tensor '" + e.getKey() + "' (an adapter with targets "
                        + ids(s.targets()) + " has it" + fits + ")");
            }
            requireShape(source, e.getKey(), t, e.getValue(), fits);
        }
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            if (lora.containsKey(e.getKey())) continue;
            long[] shape = biases.get(e.getKey());
            if (shape == null) {
                throw new InputError(source + ": unexpected tensor '" + e.getKey() + "' (not part of an adapter with targets "
                        + ids(s.targets()) + " and bias " + s.bias().id() + fits + ")");
            }
            requireShape(source, e.getKey(), e.getValue(), shape, "");
        }
        adapter.geometry().ifPresent(g -> {
            if (g.nEmbd() != base.nEmbd() || g.nLayer() != base.nLayer() || g.vocabSize() != base.vocabSize()) {
                throw new InputError(source + ": adapter was made for n_embd " + g.nEmbd() + ", n_layer " + g.nLayer()
                        + ", vocab " + g.vocabSize() + " (" + adapter.baseModel() + ") but the base model has n_embd "
                        + base.nEmbd() + ", n_layer " + base.nLayer() + ", vocab " + base.vocabSize());
            }
        });
    }

    private static void requireShape(Object source, String name, INDArray t, long[] expected, String fits) {
        if (!Arrays.equals(t.shape(), expected)) {
            throw new InputError(source + ": tensor '" + name + "' has shape " + Arrays.toString(t.shape()) + ", expected "
                    + Arrays.toString(expected) + fits);
        }
    }

    private static List<String> ids(List<LoraTarget> targets) {
        return targets.stream().map(LoraTarget::id).toList();
    }
}
