package dev.lora.adapter.formats;

import dev.lora.config.LoraBias;
import dev.lora.config.LoraSettings;
import dev.lora.config.LoraTarget;
import dev.lora.io.InputError;
import dev.lora.adapter.AdapterFiles;
import dev.lora.adapter.LoraKeys;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds this tool's adapter (one rank and one alpha for every module, the same q/k/v slices in every layer)
 * from per-module updates read from another format. When the modules already agree, the tensors are used as
 * they are (bit-exact). Otherwise each update keeps its exact value: smaller ranks are padded with zero rows of
 * A and zero columns of B (which add nothing), c_attn slices missing in a layer get zero blocks, and a module
 * whose alpha/rank differs from the adapter's has its B multiplied by the ratio (rounded once to float).
 */
final class AdapterAssembler {
    private AdapterAssembler() {
    }

    static AdapterFiles.Adapter assemble(List<ModuleUpdate> updates, Map<String, INDArray> biases, LoraBias bias,
                                         double dropout, String baseModel, Path source) {
        if (updates.isEmpty()) throw new InputError(source + ": holds no LoRA matrices");
        List<ModuleUpdate> ordered = new ArrayList<>(updates);
        ordered.sort(Comparator.comparingInt((ModuleUpdate u) -> u.name().layer()).thenComparing(u -> u.name().kind()));

        int rank = ordered.stream().mapToInt(ModuleUpdate::rank).max().orElseThrow();
        ModuleUpdate reference = ordered.stream().filter(u -> u.rank() == rank).findFirst().orElseThrow();
        double alpha = reference.alpha();
        double scaling = alpha / rank;

        Set<Integer> slices = new TreeSet<>();
        ordered.stream().filter(u -> u.name().kind() == ModuleKind.C_ATTN).forEach(u -> {
            for (int s : u.slices()) slices.add(s);
        });

        Map<String, INDArray> tensors = new LinkedHashMap<>();
        Set<LoraTarget> targets = EnumSet.noneOf(LoraTarget.class);
        for (ModuleUpdate u : ordered) {
            double factor = u.scaling() == scaling ? 1 : u.scaling() / scaling;
            Matrix b = factor == 1 ? u.b() : u.b().scaled(factor);
            String module = u.name().module();
            Matrix a;
            if (u.name().kind() == ModuleKind.C_ATTN) {
                int width = u.a().cols();
                List<Matrix> as = new ArrayList<>(), bs = new ArrayList<>();
                for (int s : slices) {
                    int j = indexOf(u.slices(), s);
                    if (j < 0) {
                        as.add(Matrix.zeros(rank, width));
                        bs.add(Matrix.zeros(width, rank));
                    } else {
                        as.add(u.a().rowRange(j * u.rank(), (j + 1) * u.rank()).placedIn(rank, width, 0, 0));
                        bs.add(b.rowRange(j * width, (j + 1) * width).placedIn(width, rank, 0, 0));
                    }
                }
                a = Matrix.stackRows(as);
                b = Matrix.stackRows(bs);
                for (int s : slices) targets.add(new LoraTarget[]{LoraTarget.Q, LoraTarget.K, LoraTarget.V}[s]);
            } else {
                a = u.a().placedIn(rank, u.a().cols(), 0, 0);
                b = b.placedIn(b.rows(), rank, 0, 0);
                targets.add(u.name().kind().target);
            }
            tensors.put(LoraKeys.a(module), a.toArray());
            tensors.put(LoraKeys.b(module), b.toArray());
        }
        // loralib builds the embedding first, so this tool's files list it first too.
        Map<String, INDArray> files = new LinkedHashMap<>();
        List.of(LoraKeys.a(LoraKeys.WTE), LoraKeys.b(LoraKeys.WTE)).forEach(k -> {
            if (tensors.containsKey(k)) files.put(k, tensors.remove(k));
        });
        files.putAll(tensors);
        biases.forEach(files::put);
        LoraSettings settings;
        try {
            settings = new LoraSettings(rank, alpha, dropout, List.copyOf(targets), bias, Optional.empty());
        } catch (InputError e) {
            throw new InputError(source + ": " + e.getMessage(), e);
        }
        return new AdapterFiles.Adapter(settings, baseModel, Optional.empty(), files, source);
    }

    private static int indexOf(int[] values, int v) {
        for (int i = 0; i < values.length; i++) if (values[i] == v) return i;
        return -1;
    }
}
