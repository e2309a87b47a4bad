package dev.lora.spark;

import dev.lora.config.LoraBias;
import dev.lora.config.LoraSettings;
import dev.lora.config.LoraTarget;
import dev.lora.io.InputError;
import dev.lora.io.ModelResolver;
import dev.lora.adapter.LoraModel;
import dev.lora.model.Gpt2Config;
import dev.lora.model.Gpt2Loader;
import dev.lora.model.Gpt2Weights;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an executor needs to build a training replica: the base model as the executors find it (a folder every
 * node can read, or a Hugging Face id resolved through the executor's own cache), the compute dtype, the geometry the driver read (an executor's copy must match it), and the adapter settings; the
 * adapter's values come with every step. Also the key of the executor's model cache.
 */
record ReplicaSpec(String model, DataType dtype, String geometry, int r, double alpha, double dropout,
                   List<LoraTarget> targets, LoraBias bias, double labelSmoothing, long seed) implements Serializable {
    ReplicaSpec {
        targets = new ArrayList<>(targets);
    }

    static ReplicaSpec of(String model, DataType dtype, Gpt2Config geometry, LoraSettings s, double labelSmoothing, long seed) {
        return new ReplicaSpec(model, dtype, geometry.toString(), s.r(), s.alpha(), s.dropout(), s.targets(),
                s.bias(), labelSmoothing, seed);
    }

    LoraSettings settings() {
        return new LoraSettings(r, alpha, dropout, targets, bias, Optional.empty());
    }

    /**
     * A replica on this executor. With no trained biases the base weights are only read, so every replica in the JVM
     * shares one copy, loaded once ({@link Replicas#shared}); trained biases live in the base weights, so then each
     * replica loads its own.
     */
    LoraModel load() {
        Gpt2Weights base = bias == LoraBias.NONE ? Replicas.shared(new BaseKey(model, dtype), k -> loadBase()) : loadBase();
        return LoraModel.create(base, settings(), seed);
    }

    /** The key of a shared base model: where it is and the dtype it was loaded in. */
    private record BaseKey(String model, DataType dtype) {
    }

    /** Loads the base model on this executor and checks it is the driver's. */
    private Gpt2Weights loadBase() {
        Path dir = ModelResolver.fromEnvironment().resolve(model);
        Gpt2Weights base = Gpt2Loader.load(dir, dtype, false);
        requireGeometry(dir, geometry, base.config());
        return base;
    }

    static void requireGeometry(Path modelDir, String expected, Gpt2Config found) {
        if (!found.toString().equals(expected)) {
            throw new InputError(modelDir + ": the model here is not the driver's (driver: " + expected + "; here: " + found
                    + "); every node must read the same base model at this path");
        }
    }
}
