package dev.lora.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lora.cli.Main;
import dev.lora.config.LoraBias;
import dev.lora.config.LoraSettings;
import dev.lora.config.LoraTarget;
import dev.lora.adapter.AdapterFiles;
import dev.lora.adapter.LoraModel;
import dev.lora.model.Gpt2Loader;
import dev.lora.model.Param;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `lora train` against PyTorch (scripts/reference/make_train_fixtures.py): six AdamW steps with warmup,
 * weight decay, label smoothing, gradient accumulation (with a short last group per epoch) and clipping,
 * from a given adapter with non-zero B. float64: losses and gradient norms within 1e-5 relative, final tensors
 * within 1e-9 of the tensor's largest magnitude. float32: losses, gradient norms and final tensors against
 * PyTorch's float64 run, within a multiple of PyTorch's own float32 error there (see {@link #assertFloat32Close}).
 * bfloat16: the same against PyTorch's own bfloat16 error, under torch.autocast("cpu", dtype=torch.bfloat16)
 * (scripts/reference/make_bf16_fixtures.py), with the floor one bfloat16 rounding instead of float32's.
 */
class TrainParityTest {

    @ParameterizedTest(name = "{0} in {1}")
    @CsvSource({"qv, float32", "qv, float64", "all, float32", "all, float64", "qv, bfloat16", "all, bfloat16"})
    void matchesPyTorch(String name, String dtype, @TempDir Path tmp) throws IOException {
        JsonNode expected = TrainFixtures.json(TrainFixtures.PARITY.resolve("expected-" + name + "-" + dtype + ".json"));
        JsonNode reference64 = TrainFixtures.json(TrainFixtures.PARITY.resolve("expected-" + name + "-float64.json"));
        JsonNode t = expected.get("train"), l = expected.get("lora");
        Path out = tmp.resolve("run");
        String lora = "r: " + l.get("r").asInt() + "\nalpha: " + l.get("alpha").asDouble() + "\ndropout: 0\n"
                + "targets: " + l.get("targets") + "\nbias: " + l.get("bias").asText() + "\n"
                + "init: " + TrainFixtures.PARITY.resolve("init-" + name) + "\n";
        String train = String.format(Locale.ROOT, "batch_size: %d\ngrad_accum: %d\nepochs: %d\nlr: %s\nweight_decay: %s\n"
                        + "betas: %s\neps: %s\nwarmup_steps: %d\nlabel_smoothing: %s\nclip_norm: %s\nshuffle: false\ndtype: %s\n",
                t.get("batch_size").asInt(), t.get("grad_accum").asInt(), t.get("epochs").asInt(), t.get("lr").asText(),
                t.get("weight_decay").asText(), t.get("betas"), t.get("eps").asText(), t.get("warmup_steps").asInt(),
                t.get("label_smoothing").asText(), t.get("clip_norm").asText(), dtype);
        Path cfg = TrainFixtures.config(tmp, out, TrainFixtures.PARITY.resolve("data.jsonl"), lora, train);

        assertThat(Main.run("train", cfg.toString())).isZero();

        List<JsonNode> rows = TrainFixtures.metrics(out);
        JsonNode steps = expected.get("steps");
        assertThat(rows).hasSize(steps.size());
        JsonNode exactSteps = reference64.get("steps");
        for (int i = 0; i < steps.size(); i++) {
            JsonNode want = steps.get(i), got = rows.get(i);
            assertThat(got.get("step").asInt()).isEqualTo(i + 1);
            assertThat(got.get("lr").asDouble()).as("lr of step %d", i + 1).isEqualTo(want.get("lr").asDouble());
            for (String key : List.of("loss", "grad_norm")) {
                double ours = got.get(key).asDouble();
                if (dtype.equals("float64")) {
                    assertThat(ours).as("%s of step %d", key, i + 1)
                            .isCloseTo(want.get(key).asDouble(), org.assertj.core.data.Percentage.withPercentage(1e-3));
                } else {
                    assertFloat32StepClose(key + " of step " + (i + 1), ours, want.get(key).asDouble(), exactSteps.get(i).get(key).asDouble(),
                            floor(dtype));
                }
            }
        }

        // The exact final values are in the last checkpoint's state.bin, in the order of LoraModel.trainable().
        // A bfloat16 run trains in float32: its adapters, biases and AdamW state are float32.
        DataType type = dtype.equals("float64") ? DataType.DOUBLE : DataType.FLOAT;
        List<String> names = new ArrayList<>();
        LoraSettings settings = new LoraSettings(l.get("r").asInt(), l.get("alpha").asDouble(), 0,
                targets(l.get("targets")), LoraBias.valueOf(l.get("bias").asText().toUpperCase(Locale.ROOT)), Optional.empty());
        LoraModel layout = LoraModel.load(Gpt2Loader.load(TrainFixtures.MODEL, type), settings,
                AdapterFiles.read(TrainFixtures.PARITY.resolve("init-" + name)).tensors(), "init");
        layout.trainable().stream().map(Param::name).forEach(names::add);
        JsonNode finals = expected.get("final");
        assertThat(names).containsExactlyInAnyOrderElementsOf(() -> finals.fieldNames());
        Path state = out.resolve("checkpoints/step-" + steps.size() + "/state.bin");
        try (DataInputStream in = new DataInputStream(Files.newInputStream(state))) {
            for (String n : names) {
                INDArray got = Nd4j.read(in);
                assertThat(got.dataType()).isEqualTo(type);
                if (dtype.equals("float64")) assertClose(n, got, finals.get(n), 1e-9);
                else assertFloat32Close(n, got, finals.get(n), reference64.get("final").get(n), n.endsWith("attn.c_attn.bias"), floor(dtype));
            }
        }
    }

    /**
     * A float32 step's loss or gradient norm against the exact (PyTorch float64) value, as the final tensors are
     * held ({@link #assertFloat32Close}): within {@value #SPREAD_MULTIPLE} times PyTorch's own float32 error on that
     * number, or 1e-6 relative where that error is smaller. (Against PyTorch's float32 number at 1e-5, the nd4j
     * kernels under OpenBLAS's Sandybridge family failed by 1.05e-5 on a gradient norm where PyTorch's own float32
     * run is 7.4e-6 from exact and ours was 3.1e-6.)
     */
    private static void assertFloat32StepClose(String what, double ours, double torch32, double torch64, double floor) {
        double spread = Math.abs(torch32 - torch64), bound = Math.max(SPREAD_MULTIPLE * spread, floor * Math.abs(torch64));
        assertThat(Math.abs(ours - torch64)).as("%s: |ours32 - torch64| (PyTorch's own float32 error %s)", what, spread)
                .isLessThanOrEqualTo(bound);
    }

    private static List<LoraTarget> targets(JsonNode list) {
        List<LoraTarget> out = new ArrayList<>();
        list.forEach(t -> out.add(LoraTarget.valueOf(t.asText().toUpperCase(Locale.ROOT))));
        return out;
    }

    private static void assertClose(String name, INDArray got, JsonNode want, double tolerance) {
        JsonNode values = want.get("values");
        double scale = 0, worst = 0;
        for (int i = 0; i < values.size(); i++) {
            scale = Math.max(scale, Math.abs(values.get(i).asDouble()));
            worst = Math.max(worst, Math.abs(got.getDouble(at(want, i)) - values.get(i).asDouble()));
        }
        assertThat(worst / scale).as("%s: max |diff| / max |value|", name).isLessThanOrEqualTo(tolerance);
    }

    /**
     * Float32 roundoff differs between OpenBLAS kernel families (different summation orders) and Adam amplifies
     * it, so no bound fitted to one machine's float32 result holds on the next. The truth is PyTorch's float64
     * run; PyTorch's float32 run shows how far a correct float32 implementation lands from it: its error, per
     * tensor, is the reference's spread (1.18e-5 of the tensor's scale at worst, h.0.mlp.c_proj.lora_A). Ours is
     * another float32 evaluation of the same sums in other orders, so its error is of the same size: it may be
     * up to {@value #SPREAD_MULTIPLE} times PyTorch's, or 1e-6 of the tensor's scale where the spread is smaller
     * than that (float32 resolves 6e-8 relative; 1e-6 is that over the ~16 roundings a step compounds).
     * Measured on an AVX-512 Xeon: at most 1.41 times (Core2 kernels; SkylakeX 1.08, Haswell and Zen 0.90,
     * Sandybridge 1.17, Nehalem 1.01, Prescott 1.18), where the old bound of 1e-5 of the scale failed on AMD.
     * The key slice of c_attn's bias has an exactly zero gradient (a shift shared by a softmax row); we compute
     * it as 0 (see Conv1D), PyTorch's float32 computes roundoff that Adam turns into steps of up to lr, so that
     * slice is left out of PyTorch's spread (it would inflate the bound 80-fold) but ours is held to the bound.
     */
    private static void assertFloat32Close(String name, INDArray got, JsonNode torch32, JsonNode torch64, boolean hasKeySlice,
                                           double floor) {
        JsonNode values = torch64.get("values");
        assertThat(torch32.get("values").size()).isEqualTo(values.size());
        long width = hasKeySlice ? values.size() / 3 : 0;
        double scale = 0, ours = 0, spread = 0;
        for (int i = 0; i < values.size(); i++) {
            double truth = values.get(i).asDouble();
            long at = at(torch64, i);
            assertThat(at).isEqualTo(at(torch32, i));
            scale = Math.max(scale, Math.abs(truth));
            ours = Math.max(ours, Math.abs(got.getDouble(at) - truth));
            if (at < width || at >= 2 * width) spread = Math.max(spread, Math.abs(torch32.get("values").get(i).asDouble() - truth));
        }
        double bound = Math.max(SPREAD_MULTIPLE * spread, floor * scale);
        assertThat(ours).as("%s: max |ours32 - torch64| (PyTorch's own float32 error %s, scale %s)", name, spread, scale)
                .isLessThanOrEqualTo(bound);
    }

    private static final double SPREAD_MULTIPLE = 4;

    /**
     * The relative error any correct run may have however small PyTorch's was: float32's 1e-6 (see
     * {@link #assertFloat32Close}); for bfloat16, 2^-8, one rounding of an operand to bfloat16's 8 significant
     * bits (2^-9 relative at worst) on each side of a product.
     */
    private static double floor(String dtype) {
        return dtype.equals("bfloat16") ? 0x1p-8 : 1e-6;
    }

    /** The flat index of a fixture entry: sampled tensors list their indices. */
    private static long at(JsonNode fixture, int i) {
        JsonNode indices = fixture.get("indices");
        return indices == null ? i : indices.get(i).asLong();
    }
}
