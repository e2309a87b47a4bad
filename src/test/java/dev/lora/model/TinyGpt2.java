package dev.lora.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Small random GPT-2s for tests: every parameter random (LayerNorm gains near 1), so no term vanishes. */
public final class TinyGpt2 {
    private TinyGpt2() {
    }

    public static Gpt2Config config(int vocab, int positions, int embd, int layers, int heads) {
        return new Gpt2Config(vocab, positions, embd, layers, heads, 1e-5, "gelu_new", true);
    }

    public static Gpt2Weights random(Gpt2Config config, DataType dtype, long seed) {
        Random rng = new Random(seed);
        Map<String, Param> params = new LinkedHashMap<>();
        Gpt2Weights.expectedShapes(config).forEach((name, shape) -> {
            INDArray a = Nd4j.zeros(DataType.DOUBLE, shape);
            boolean gain = shape.length == 1 && name.endsWith(".weight");
            for (long i = 0; i < a.length(); i++) a.putScalar(i, (gain ? 1 : 0) + 0.3 * rng.nextGaussian());
            params.put(name, new Param(name, a.castTo(dtype)));
        });
        return new Gpt2Weights(config, dtype, params);
    }
}
