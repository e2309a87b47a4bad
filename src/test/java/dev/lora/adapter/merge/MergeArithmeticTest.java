package dev.lora.adapter.merge;

import dev.lora.config.LoraTarget;
import dev.lora.io.Tensor;
import dev.lora.adapter.AdapterFiles;
import dev.lora.adapter.formats.AdapterReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Merge arithmetic against a hand calculation: each weight W + sum_i w_i (alpha_i / r_i) (B_i A_i)^T (per
 * q/k/v slice for c_attn), written here as plain loops over the adapter files, and trained biases
 * b + sum_i w_i (b_i - b). Merged values must be the exact sum rounded to float32: within one float32 ulp
 * (the loops add in another order than the merge).
 */
class MergeArithmeticTest {

    private static Path merge(Path out, Merge.Input... inputs) {
        return merge(MergeFixtures.MODEL, out, inputs);
    }

    private static Path merge(Path model, Path out, Merge.Input... inputs) {
        Merge.run(new Merge.Options(model.toString(), List.of(inputs), out, Optional.empty(), false, AdapterReader.Options.DEFAULTS));
        return out;
    }

    @Test
    void weightedMergeOfTwoAdaptersIsTheSumOfTheWeightedDeltas(@TempDir Path tmp) {
        Path a1 = MergeFixtures.writeAdapter(tmp.resolve("a1"), MergeFixtures.settings("q,v,wte", "none"), 1);
        Path a2 = MergeFixtures.writeAdapter(tmp.resolve("a2"), MergeFixtures.settings("k,attn_proj,mlp_fc", "lora_only"), 2);
        Path out = merge(tmp.resolve("merged"), new Merge.Input(a1, 0.7), new Merge.Input(a2, -0.3));

        Map<String, Tensor> base = MergeFixtures.baseTensors();
        Map<String, double[]> expected = new HashMap<>();
        base.forEach((name, t) -> expected.put(name, widen(t.data())));
        addDelta(expected, AdapterFiles.read(a1), 0.7);
        addDelta(expected, AdapterFiles.read(a2), -0.3);
        AdapterFiles.read(a2).tensors().forEach((name, v) -> {
            if (!name.endsWith(".bias")) return;
            double[] b = expected.get(name);
            float[] trained = floats(v);
            float[] original = base.get(name).data();
            for (int i = 0; i < b.length; i++) b[i] += -0.3 * ((double) trained[i] - original[i]);
        });

        Map<String, Tensor> merged = MergeFixtures.tensors(out);
        assertThat(merged).containsKey("lm_head.weight");
        assertThat(merged.get("lm_head.weight").data()).as("untied head = base wte").isEqualTo(base.get("transformer.wte.weight").data());
        int changed = 0;
        for (Map.Entry<String, Tensor> e : base.entrySet()) {
            float[] got = merged.get(e.getKey()).data();
            double[] want = expected.get(e.getKey());
            boolean touched = false;
            for (int i = 0; i < got.length; i++) {
                float rounded = (float) want[i];
                assertThat(Math.abs(got[i] - rounded)).as("%s[%d]", e.getKey(), i).isLessThanOrEqualTo(Math.ulp(rounded));
                touched |= got[i] != e.getValue().data()[i];
            }
            if (touched) changed++;
            else assertThat(got).as("%s unchanged", e.getKey()).isEqualTo(e.getValue().data());
        }
        // wte, 2 layers x (c_attn from both adapters, attn.c_proj, mlp.c_fc and the three biases of a2's adapted layers)
        assertThat(changed).isEqualTo(1 + 2 * 6);
    }

    @Test
    void oneAdapterAtWeightOneGetsItsTrainedBiasesExactly(@TempDir Path tmp) {
        Path adapter = MergeFixtures.writeAdapter(tmp.resolve("a"), MergeFixtures.settings("q,v,mlp_proj", "all"), 3);
        Map<String, Tensor> merged = MergeFixtures.tensors(merge(tmp.resolve("merged"), new Merge.Input(adapter, 1)));
        int biases = 0;
        for (Map.Entry<String, INDArray> e : AdapterFiles.read(adapter).tensors().entrySet()) {
            if (!e.getKey().endsWith(".bias")) continue;
            assertThat(merged.get(e.getKey().substring("transformer.".length())).data()).as(e.getKey()).isEqualTo(floats(e.getValue()));
            biases++;
        }
        assertThat(biases).as("every bias: 2 layers x 6, plus ln_f").isEqualTo(13);
    }

    @Test
    void mergeThenUnmergeGivesBackTheBase(@TempDir Path tmp) {
        Path adapter = MergeFixtures.writeAdapter(tmp.resolve("a"), MergeFixtures.settings("q,k,v,attn_proj,mlp_fc,mlp_proj,wte", "none"), 4);
        Path merged = merge(tmp.resolve("merged"), new Merge.Input(adapter, 1));
        Path unmerged = merge(merged, tmp.resolve("unmerged"), new Merge.Input(adapter, -1));

        Map<String, Tensor> base = MergeFixtures.baseTensors(), m = MergeFixtures.tensors(merged), u = MergeFixtures.tensors(unmerged);
        assertThat(u.keySet()).isEqualTo(m.keySet());
        for (Map.Entry<String, Tensor> e : base.entrySet()) {
            float[] w = e.getValue().data(), mw = m.get(e.getKey()).data(), uw = u.get(e.getKey()).data();
            for (int i = 0; i < w.length; i++) {
                // fl(fl(W + d) - d) is within one rounding of the larger of W and W + d.
                float bound = Math.ulp(Math.max(Math.abs(w[i]), Math.abs(mw[i])));
                assertThat(Math.abs(uw[i] - w[i])).as("%s[%d]", e.getKey(), i).isLessThanOrEqualTo(bound);
            }
        }
        assertThat(u.get("lm_head.weight").data()).isEqualTo(base.get("transformer.wte.weight").data());
        double error = MergeFixtures.relativeError(MergeFixtures.mergedLogits(unmerged, DataType.DOUBLE),
                MergeFixtures.mergedLogits(MergeFixtures.MODEL, DataType.DOUBLE));
        System.out.printf("unmerge: max |logit - base logit| / max |base logit| = %.3g%n", error);
        assertThat(error).isLessThanOrEqualTo(1e-6);
    }

    /**
     * The documented limit of the bias rule: an adapter stores trained bias values, not their change, so
     * weight -1 on the merged model leaves them at the adapter's values while the matrices return to the base.
     */
    @Test
    void unmergingCannotRestoreTrainedBiases(@TempDir Path tmp) {
        Path adapter = MergeFixtures.writeAdapter(tmp.resolve("a"), MergeFixtures.settings("q", "lora_only"), 5);
        Path merged = merge(tmp.resolve("merged"), new Merge.Input(adapter, 1));
        Map<String, Tensor> u = MergeFixtures.tensors(merge(merged, tmp.resolve("unmerged"), new Merge.Input(adapter, -1)));
        assertThat(u.get("h.0.attn.c_attn.bias").data())
                .isEqualTo(floats(AdapterFiles.read(adapter).tensors().get("transformer.h.0.attn.c_attn.bias")));
    }

    /** Adds w * scaling * (B A)^T of every module of the adapter to the expected tensors (canonical names). */
    static void addDelta(Map<String, double[]> expected, AdapterFiles.Adapter a, double weight) {
        double scale = weight * a.settings().alpha() / a.settings().r();
        int r = a.settings().r();
        Map<String, INDArray> t = a.tensors();
        List<LoraTarget> targets = a.settings().targets();
        if (targets.contains(LoraTarget.WTE)) {
            addProduct(expected.get("transformer.wte.weight"), 32, 0, floats(t.get("transformer.wte.lora_A")), 0,
                    floats(t.get("transformer.wte.lora_B")), 0, r, 50257, 32, scale);
        }
        int[] slices = slices(targets);
        for (int layer = 0; layer < 2; layer++) {
            String p = "transformer.h." + layer + ".";
            if (slices.length > 0) {
                float[] av = floats(t.get(p + "attn.c_attn.lora_A")), bv = floats(t.get(p + "attn.c_attn.lora_B"));
                for (int j = 0; j < slices.length; j++) {
                    addProduct(expected.get(p + "attn.c_attn.weight"), 96, slices[j] * 32, av, j * r * 32, bv, j * 32 * r, r, 32, 32, scale);
                }
            }
            module(expected, t, targets, LoraTarget.ATTN_PROJ, p + "attn.c_proj", 32, 32, r, scale);
            module(expected, t, targets, LoraTarget.MLP_FC, p + "mlp.c_fc", 32, 128, r, scale);
            module(expected, t, targets, LoraTarget.MLP_PROJ, p + "mlp.c_proj", 128, 32, r, scale);
        }
    }

    private static void module(Map<String, double[]> expected, Map<String, INDArray> t, List<LoraTarget> targets, LoraTarget target,
                               String module, int in, int out, int r, double scale) {
        if (!targets.contains(target)) return;
        addProduct(expected.get(module + ".weight"), out, 0, floats(t.get(module + ".lora_A")), 0,
                floats(t.get(module + ".lora_B")), 0, r, in, out, scale);
    }

    /**
     * W[i][col0 + o] += scale * sum_k B[o][k] A[k][i] for A [r, in] at offset aAt and B [out, r] at offset bAt
     * (row-major), W [in, width].
     */
    static void addProduct(double[] w, int width, int col0, float[] a, int aAt, float[] b, int bAt, int r, int in, int out, double scale) {
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                double sum = 0;
                for (int k = 0; k < r; k++) sum += (double) b[bAt + o * r + k] * a[aAt + k * in + i];
                w[i * width + col0 + o] += scale * sum;
            }
        }
    }

    static int[] slices(List<LoraTarget> targets) {
        return java.util.stream.IntStream.range(0, 3)
                .filter(g -> targets.contains(new LoraTarget[]{LoraTarget.Q, LoraTarget.K, LoraTarget.V}[g])).toArray();
    }

    static float[] floats(INDArray a) {
        return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    private static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }
}
