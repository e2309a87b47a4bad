package dev.lora.adapter.merge;

import dev.lora.config.LoraSettings;
import dev.lora.config.LoraTarget;
import dev.lora.adapter.AdapterFiles;
import dev.lora.adapter.LoraKeys;
import dev.lora.model.Adapters;
import dev.lora.model.Gpt2Config;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one adapter changes in the base tensors (canonical Hugging Face names), with its merge weight w:
 * low-rank updates w * (alpha / r) * (B A)^T in Conv1D's [in, out] layout (per enabled q/k/v slice for
 * c_attn, placed in that slice's columns; [vocab, C] for wte), and the trained biases it stores.
 * The adapter must fit the base ({@link AdapterFit#check}).
 */
final class AdapterDelta {
    private AdapterDelta() {
    }

    static List<LowRankUpdate> updates(AdapterFiles.Adapter adapter, Gpt2Config base, double weight) {
        LoraSettings s = adapter.settings();
        double scale = weight * s.scaling();
        int r = s.r(), e = base.nEmbd();
        Map<String, INDArray> t = adapter.tensors();
        List<LowRankUpdate> out = new ArrayList<>();
        if (s.targets().contains(LoraTarget.WTE)) {
            out.add(linear("transformer.wte.weight", t.get(LoraKeys.a(LoraKeys.WTE)), t.get(LoraKeys.b(LoraKeys.WTE)), scale));
        }
        List<Integer> slices = new ArrayList<>();
        LoraTarget[] qkv = {LoraTarget.Q, LoraTarget.K, LoraTarget.V};
        for (int g = 0; g < 3; g++) if (s.targets().contains(qkv[g])) slices.add(g);
        for (int i = 0; i < base.nLayer(); i++) {
            if (!slices.isEmpty()) {
                String module = LoraKeys.module(i, Adapters.Site.C_ATTN);
                double[] a = values(t.get(LoraKeys.a(module))), b = values(t.get(LoraKeys.b(module)));
                for (int j = 0; j < slices.size(); j++) {
                    // Group j of MergedLinear: A rows [j r, (j+1) r), B rows [j C, (j+1) C); its (B_j A_j)^T fills slice j's columns.
                    double[] left = transpose(a, j * r, r, e);
                    double[] right = transpose(b, j * e, e, r);
                    out.add(new LowRankUpdate(module + ".weight", slices.get(j) * e, e, e, r, left, right, scale));
                }
            }
            for (Adapters.Site site : List.of(Adapters.Site.ATTN_PROJ, Adapters.Site.MLP_FC, Adapters.Site.MLP_PROJ)) {
                if (!s.targets().contains(target(site))) continue;
                String module = LoraKeys.module(i, site);
                out.add(linear(module + ".weight", t.get(LoraKeys.a(module)), t.get(LoraKeys.b(module)), scale));
            }
        }
        return out;
    }

    /** The adapter's trained biases by canonical name (empty when it trained none). */
    static Map<String, float[]> biases(AdapterFiles.Adapter adapter) {
        Map<String, float[]> out = new LinkedHashMap<>();
        adapter.tensors().forEach((name, value) -> {
            if (name.endsWith(".bias")) out.put(name, value.castTo(DataType.FLOAT).dup('c').data().asFloat());
        });
        return out;
    }

    /** A [r, in] and B [out, r] as the update (B A)^T = A^T B^T of a [in, out] tensor. */
    private static LowRankUpdate linear(String tensor, INDArray aArray, INDArray bArray, double scale) {
        int r = (int) aArray.size(0), in = (int) aArray.size(1), out = (int) bArray.size(0);
        return new LowRankUpdate(tensor, 0, in, out, r, transpose(values(aArray), 0, r, in), transpose(values(bArray), 0, out, r), scale);
    }

    private static double[] values(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }

    /** Rows [from, from + rows) of a row-major matrix with {@code cols} columns, transposed: [cols, rows]. */
    private static double[] transpose(double[] m, int from, int rows, int cols) {
        double[] out = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) out[j * rows + i] = m[(from + i) * cols + j];
        }
        return out;
    }

    private static LoraTarget target(Adapters.Site site) {
        return switch (site) {
            case ATTN_PROJ -> LoraTarget.ATTN_PROJ;
            case MLP_FC -> LoraTarget.MLP_FC;
            case MLP_PROJ -> LoraTarget.MLP_PROJ;
            case C_ATTN -> throw new IllegalArgumentException("c_attn is split into q, k, v");
        };
    }
}
