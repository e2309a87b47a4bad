package dev.lora.model;

import dev.lora.io.InputError;
import dev.lora.io.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * GPT-2's parameters by canonical Hugging Face name ({@code transformer.h.0.attn.c_attn.weight}, ...),
 * converted to the compute type. Checkpoints name them with or without the {@code transformer.}
 * prefix; the attention-mask buffers and a tied {@code lm_head.weight} are not parameters.
 *
 * <p>Loaded as {@code BFLOAT16}, the matrices the frozen products read (the projections, the token embedding,
 * an untied head) are held in bfloat16, rounded to nearest even as PyTorch casts them, and everything else (biases,
 * LayerNorm, the position embedding) in float32, the compute type {@link #dtype} then gives.
 */
public record Gpt2Weights(Gpt2Config config, DataType dtype, Map<String, Param> params) {

    static final String PREFIX = "transformer.";

    public Param get(String name) {
        Param p = params.get(name);
        if (p == null) throw new IllegalArgumentException("no parameter " + name);
        return p;
    }

    /** The expected parameter names and shapes for a geometry, in Hugging Face order. */
    public static Map<String, long[]> expectedShapes(Gpt2Config c) {
        long e = c.nEmbd();
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put(PREFIX + "wte.weight", new long[]{c.vocabSize(), e});
        s.put(PREFIX + "wpe.weight", new long[]{c.nPositions(), e});
        for (int i = 0; i < c.nLayer(); i++) {
            String p = PREFIX + "h." + i + ".";
            s.put(p + "ln_1.weight", new long[]{e});
            s.put(p + "ln_1.bias", new long[]{e});
            s.put(p + "attn.c_attn.weight", new long[]{e, 3 * e});
            s.put(p + "attn.c_attn.bias", new long[]{3 * e});
            s.put(p + "attn.c_proj.weight", new long[]{e, e});
            s.put(p + "attn.c_proj.bias", new long[]{e});
            s.put(p + "ln_2.weight", new long[]{e});
            s.put(p + "ln_2.bias", new long[]{e});
            s.put(p + "mlp.c_fc.weight", new long[]{e, 4 * e});
            s.put(p + "mlp.c_fc.bias", new long[]{4 * e});
            s.put(p + "mlp.c_proj.weight", new long[]{4 * e, e});
            s.put(p + "mlp.c_proj.bias", new long[]{e});
        }
        s.put(PREFIX + "ln_f.weight", new long[]{e});
        s.put(PREFIX + "ln_f.bias", new long[]{e});
        // An untied head (a merged embedding adapter writes one) is a parameter of its own.
        if (!c.tieWordEmbeddings()) s.put("lm_head.weight", new long[]{c.vocabSize(), e});
        return s;
    }

    /** Checks names and shapes against the config and converts; {@code source} names the file in errors. */
    public static Gpt2Weights fromTensors(Gpt2Config config, Map<String, Tensor> tensors, DataType dtype, Object source) {
        Map<String, long[]> expected = expectedShapes(config);
        Map<String, Param> params = new LinkedHashMap<>();
        for (Tensor t : tensors.values()) {
            String name = canonical(t.name());
            if (isBuffer(name) || (name.equals("lm_head.weight") && config.tieWordEmbeddings())) continue;
            long[] shape = expected.get(name);
            if (shape == null) {
                throw new InputError(source + ": unexpected tensor '" + t.name() + "' (not a GPT-2 parameter)");
            }
            if (!Arrays.equals(shape, t.shape())) {
                throw new InputError(source + ": tensor '" + t.name() + "' has shape " + Arrays.toString(t.shape())
                        + ", expected " + Arrays.toString(shape) + " for this config.json");
            }
            params.put(name, new Param(name, toArray(t, storage(name, dtype))));
        }
        for (String name : expected.keySet()) {
            if (!params.containsKey(name)) throw new InputError(source + ": missing tensor '" + name + "'");
        }
        Map<String, Param> ordered = new LinkedHashMap<>();
        expected.keySet().forEach(n -> ordered.put(n, params.get(n)));
        return new Gpt2Weights(config, compute(dtype), ordered);
    }

    /** Random weights of a geometry (benchmarks): N(0, 0.02) as GPT-2's initialisation, unit LayerNorm gains. */
    public static Gpt2Weights random(Gpt2Config config, DataType dtype, long seed) {
        Random rng = new Random(seed);
        Map<String, Param> params = new LinkedHashMap<>();
        DataType type = compute(dtype);
        expectedShapes(config).forEach((name, shape) -> {
            INDArray a;
            if (name.endsWith(".bias")) a = Nd4j.zeros(type, shape);
            else if (shape.length == 1) a = Nd4j.ones(type, shape);
            else a = Nd4j.randn(rng.nextLong(), shape).castTo(type).muli(0.02);
            params.put(name, new Param(name, held(a, storage(name, dtype))));
        });
        return new Gpt2Weights(config, type, params);
    }

    /**
     * Holds the projections' weights ([in, out]: c_attn, c_proj, c_fc) column-major from now on: the same values,
     * laid out as nn.Linear's [out, in]. Decoding multiplies a few rows by every weight once per token, which is
     * bound by reading the weights, and OpenBLAS reads a row-major [in, out] there at about half the speed
     * (GPT-2's 48 projections times 10 rows: ~100 ms row-major, ~50 ms column-major; PyTorch 56 ms). Training
     * keeps them row-major: at 1024 rows both layouts multiply at the same speed, but the run's peak memory
     * was 0.9 GB higher with column-major weights. See the host kernels' products (model.kernels.host).
     */
    public void layOutForDecoding() {
        params.forEach((name, p) -> {
            if (name.endsWith("c_attn.weight") || name.endsWith("c_proj.weight") || name.endsWith("c_fc.weight")) {
                p.relayout('f');
            }
        });
    }

    /** Whether the frozen matrices are held in bfloat16 (a mixed-precision model), their products then bfloat16's. */
    public boolean bfloat16Products() {
        return get(PREFIX + "wte.weight").value().dataType() == DataType.BFLOAT16;
    }

    /** The type a parameter is held in when the model is loaded as {@code dtype}. */
    static DataType storage(String name, DataType dtype) {
        if (dtype != DataType.BFLOAT16) return dtype;
        boolean product = name.endsWith("c_attn.weight") || name.endsWith("c_proj.weight") || name.endsWith("c_fc.weight")
                || name.equals(PREFIX + "wte.weight") || name.equals("lm_head.weight");
        return product ? DataType.BFLOAT16 : DataType.FLOAT;
    }

    /** The type activations, gradients and trained parameters are computed in for a model loaded as {@code dtype}. */
    public static DataType compute(DataType dtype) {
        return dtype == DataType.BFLOAT16 ? DataType.FLOAT : dtype;
    }

    static String canonical(String name) {
        if (name.startsWith(PREFIX) || name.startsWith("lm_head.")) return name;
        return PREFIX + name;
    }

    private static boolean isBuffer(String name) {
        return name.endsWith(".attn.bias") || name.endsWith(".attn.masked_bias");
    }

    static INDArray toArray(Tensor t, DataType dtype) {
        return held(Nd4j.create(t.data(), t.shape(), 'c'), dtype);
    }

    /** a in {@code type}; a converted copy frees a's buffer at once rather than at the next collection. */
    private static INDArray held(INDArray a, DataType type) {
        if (a.dataType() == type) return a;
        INDArray out = a.castTo(type);
        a.close();
        return out;
    }
}
