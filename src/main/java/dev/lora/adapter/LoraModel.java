package dev.lora.adapter;

import dev.lora.model.KernelChoice;
import dev.lora.config.LoraBias;
import dev.lora.config.LoraSettings;
import dev.lora.io.InputError;
import dev.lora.model.Gpt2Model;
import dev.lora.model.Gpt2Weights;
import dev.lora.model.Param;
import dev.lora.model.kernels.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A frozen GPT-2 with LoRA layers attached: the trainable parameters are the adapters' A and B
 * and, by {@code lora.bias}, some biases (loralib's mark_only_lora_as_trainable).
 */
public final class LoraModel {
    private final Gpt2Model model;
    private final LoraSettings settings;
    private final Map<String, Param> adapterParams;
    private final List<Param> biases;

    private LoraModel(Gpt2Weights base, LoraSettings settings, BiFunction<String, long[], INDArray> init, Kernels kernels) {
        this.settings = settings;
        LoraAdapters adapters = new LoraAdapters(settings, base.dtype(), init, kernels);
        this.model = new Gpt2Model(base, adapters, kernels);
        this.adapterParams = adapters.params();
        this.biases = trainableBiases(base, settings.bias(), adapters.adaptedModules());
        biases.forEach(Param::makeTrainable);
    }

    /** Fresh adapters with loralib's random initialisation (B = 0: the model's outputs are unchanged). */
    public static LoraModel create(Gpt2Weights base, LoraSettings settings, long seed) {
        return create(base, settings, seed, KernelChoice.forWeights(base));
    }

    /** As {@link #create(Gpt2Weights, LoraSettings, long)}, computing with {@code kernels}. */
    public static LoraModel create(Gpt2Weights base, LoraSettings settings, long seed, Kernels kernels) {
        return new LoraModel(base, settings, LoraAdapters.randomInit(seed), kernels);
    }

    /**
     * Adapters (and trained biases) with the given values, e.g. a saved adapter; every tensor must
     * be used and fit. {@code source} names the adapter in errors.
     */
    public static LoraModel load(Gpt2Weights base, LoraSettings settings, Map<String, INDArray> tensors, Object source) {
        return load(base, settings, tensors, source, KernelChoice.forWeights(base));
    }

    /** As {@link #load(Gpt2Weights, LoraSettings, Map, Object)}, computing with {@code kernels}. */
    public static LoraModel load(Gpt2Weights base, LoraSettings settings, Map<String, INDArray> tensors, Object source,
                                 Kernels kernels) {
        Map<String, INDArray> unused = new LinkedHashMap<>(tensors);
        LoraModel m = new LoraModel(base, settings, (name, shape) -> {
            INDArray t = unused.remove(name);
            if (t == null) throw new InputError(source + ": missing tensor '" + name + "' for " + describe(settings));
            if (!Arrays.equals(t.shape(), shape)) {
                throw new InputError(source + ": tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                        + ", expected " + Arrays.toString(shape) + " for this base model and r=" + settings.r());
            }
            return t;
        }, kernels);
        for (Param bias : m.biases) {
            INDArray t = unused.remove(bias.name());
            if (t == null) continue; // a bias the adapter did not train keeps the base value
            if (!Arrays.equals(t.shape(), bias.value().shape())) {
                throw new InputError(source + ": tensor '" + bias.name() + "' has shape " + Arrays.toString(t.shape())
                        + ", expected " + Arrays.toString(bias.value().shape()));
            }
            bias.value().assign(t);
        }
        if (!unused.isEmpty()) {
            throw new InputError(source + ": unexpected tensor '" + unused.keySet().iterator().next()
                    + "' (not part of " + describe(settings) + ")");
        }
        return m;
    }

    private static String describe(LoraSettings s) {
        return "an adapter with targets " + s.targets().stream().map(t -> t.id()).toList() + ", bias " + s.bias().id();
    }

    public Gpt2Model model() {
        return model;
    }

    public LoraSettings settings() {
        return settings;
    }

    /** Adapter matrices then trainable biases, in a fixed order (the optimiser's state follows it). */
    public List<Param> trainable() {
        List<Param> all = new ArrayList<>(adapterParams.values());
        all.addAll(biases);
        return all;
    }

    /** What an adapter file holds: every trainable tensor by name. */
    public Map<String, INDArray> state() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        trainable().forEach(p -> out.put(p.name(), p.value()));
        return out;
    }

    private static List<Param> trainableBiases(Gpt2Weights base, LoraBias mode, List<String> adapted) {
        List<Param> out = new ArrayList<>();
        for (Param p : base.params().values()) {
            if (!p.name().endsWith(".bias")) continue;
            String module = p.name().substring(0, p.name().length() - ".bias".length());
            if (mode == LoraBias.ALL || (mode == LoraBias.LORA_ONLY && adapted.contains(module))) out.add(p);
        }
        return out;
    }
}
