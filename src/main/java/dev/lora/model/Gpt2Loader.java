package dev.lora.model;

import dev.lora.io.InputError;
import dev.lora.io.Safetensors;
import dev.lora.io.Tensor;
import dev.lora.io.TorchPickle;
import org.nd4j.linalg.api.buffer.DataType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Loads a GPT-2 from a folder in Hugging Face layout: config.json plus model.safetensors or pytorch_model.bin. */
public final class Gpt2Loader {
    private Gpt2Loader() {
    }

    public static Gpt2Weights load(Path folder, DataType dtype) {
        return load(folder, dtype, false);
    }

    /** With {@code checkWeights}, refuses weights holding NaN or infinity (one pass over them). */
    public static Gpt2Weights load(Path folder, DataType dtype, boolean checkWeights) {
        Map<String, Tensor> tensors = readTensors(folder);
        if (checkWeights) WeightCheck.scan(tensors, weightsFile(folder));
        Gpt2Weights weights = Gpt2Weights.fromTensors(readConfig(folder), tensors, dtype, weightsFile(folder));
        tensors = null;
        // The weights were read into Java arrays (0.5 GB for GPT-2 small) and now live off-heap; without a full
        // collection G1 keeps the heap it grew for them committed for the whole run. Measured on lora eval decoding
        // 10 contexts at GPT-2 small: peak RSS 2.66-2.78 GB without this, 2.26 GB with it (a 20 ms pause).
        System.gc();
        return weights;
    }

    public static Gpt2Config readConfig(Path folder) {
        Path config = folder.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            throw new InputError(folder + ": no config.json (expected a Hugging Face GPT-2 model folder)");
        }
        return Gpt2Config.read(config);
    }

    /** model.safetensors when present (memory-mapped, validated), else PyTorch's pytorch_model.bin. */
    public static Path weightsFile(Path folder) {
        Path st = folder.resolve("model.safetensors");
        if (Files.isRegularFile(st)) return st;
        Path bin = folder.resolve("pytorch_model.bin");
        if (Files.isRegularFile(bin)) return bin;
        throw new InputError(folder + ": no model.safetensors or pytorch_model.bin");
    }

    public static Map<String, Tensor> readTensors(Path folder) {
        Path file = weightsFile(folder);
        return file.getFileName().toString().endsWith(".safetensors") ? Safetensors.read(file) : TorchPickle.loadStateDict(file);
    }
}
