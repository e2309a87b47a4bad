package dev.lora.adapter;

import dev.lora.config.LoraSettings;
import dev.lora.config.LoraTarget;
import dev.lora.model.Adapters;
import dev.lora.model.Conv1D;
import dev.lora.model.Embedding;
import dev.lora.model.Linear;
import dev.lora.model.Param;
import dev.lora.model.TokenEmbedding;
import dev.lora.model.kernels.Kernels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;

/**
 * Builds the LoRA layers while the model is assembled and keeps their parameters by loralib name.
 * Initial values come from {@code source(name, shape)}: loralib's random init, or a saved adapter.
 */
final class LoraAdapters implements Adapters {
    private final LoraSettings settings;
    private final DataType dtype;
    private final BiFunction<String, long[], INDArray> source;
    private final Kernels kernels;
    private final Map<String, Param> params = new LinkedHashMap<>();
    private final List<String> adaptedModules = new ArrayList<>();

    LoraAdapters(LoraSettings settings, DataType dtype, BiFunction<String, long[], INDArray> source, Kernels kernels) {
        this.settings = settings;
        this.dtype = dtype;
        this.source = source;
        this.kernels = kernels;
    }

    Map<String, Param> params() {
        return params;
    }

    /** Hugging Face module names (e.g. transformer.h.0.attn.c_attn) that carry an adapter. */
    List<String> adaptedModules() {
        return adaptedModules;
    }

    @Override
    public Linear wrap(int layer, Site site, Conv1D base) {
        String module = LoraKeys.module(layer, site);
        int r = settings.r();
        long in = base.in(), out = base.out();
        if (site == Site.C_ATTN) {
            int[] slices = qkvSlices();
            if (slices.length == 0) return base;
            adaptedModules.add(module);
            long width = out / 3;
            Param a = param(LoraKeys.a(module), (long) r * slices.length, in);
            Param b = param(LoraKeys.b(module), width * slices.length, r);
            return new MergedLoraLinear(base, a, b, slices, r, settings.scaling(), dropout(module));
        }
        if (!settings.targets().contains(target(site))) return base;
        adaptedModules.add(module);
        Param a = param(LoraKeys.a(module), r, in);
        Param b = param(LoraKeys.b(module), out, r);
        return new LoraLinear(base, a, b, settings.scaling(), dropout(module));
    }

    /** Each module's dropout draws its own masks, keyed by the module's name. */
    private LoraDropout dropout(String module) {
        return new LoraDropout(settings.dropout(), module, kernels);
    }

    @Override
    public TokenEmbedding wrapEmbedding(Embedding base) {
        if (!settings.targets().contains(LoraTarget.WTE)) return base;
        adaptedModules.add(LoraKeys.WTE);
        long vocab = base.weight().value().size(0), width = base.weight().value().size(1);
        Param a = param(LoraKeys.a(LoraKeys.WTE), settings.r(), vocab);
        Param b = param(LoraKeys.b(LoraKeys.WTE), width, settings.r());
        return new LoraEmbedding(base, a, b, settings.scaling(), kernels);
    }

    /** Enabled slices of the fused q/k/v projection, in q, k, v order (loralib's enable_lora). */
    int[] qkvSlices() {
        List<LoraTarget> t = settings.targets();
        return java.util.stream.IntStream.range(0, 3)
                .filter(i -> t.contains(new LoraTarget[]{LoraTarget.Q, LoraTarget.K, LoraTarget.V}[i])).toArray();
    }

    private static LoraTarget target(Site site) {
        return switch (site) {
            case C_ATTN -> throw new IllegalArgumentException("c_attn is split into q, k, v");
            case ATTN_PROJ -> LoraTarget.ATTN_PROJ;
            case MLP_FC -> LoraTarget.MLP_FC;
            case MLP_PROJ -> LoraTarget.MLP_PROJ;
        };
    }

    private Param param(String name, long... shape) {
        Param p = new Param(name, source.apply(name, shape).castTo(dtype));
        p.makeTrainable();
        params.put(name, p);
        return p;
    }

    /**
     * loralib's initialisation: A ~ kaiming_uniform(a = sqrt(5)), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in))
     * with fan_in = A's second dimension, B = 0; for the embedding A = 0 and B ~ N(0, 1).
     */
    static BiFunction<String, long[], INDArray> randomInit(long seed) {
        Random rng = new Random(seed);
        return (name, shape) -> {
            boolean embedding = name.startsWith(LoraKeys.WTE + ".");
            boolean isA = name.endsWith(".lora_A");
            INDArray out = Nd4j.zeros(DataType.DOUBLE, shape);
            if (embedding && !isA) {
                for (long i = 0; i < out.length(); i++) out.putScalar(i, rng.nextGaussian());
            } else if (!embedding && isA) {
                double bound = 1.0 / Math.sqrt(shape[1]);
                for (long i = 0; i < out.length(); i++) out.putScalar(i, (rng.nextDouble() * 2 - 1) * bound);
            }
            return out;
        };
    }
}
