package dev.lora.config;

import java.nio.file.Path;

/**
 * Everything a training run needs, fully resolved: defaults filled in, paths absolute. Built by
 * {@link ConfigLoader#load}; {@link #toYaml()} writes it back in a form that loads to an equal config.
 *
 * @param model  local model folder (absolute) or a hub id such as {@code gpt2-medium} (key {@code model})
 * @param output folder the run writes adapters, logs and config.yaml to (key {@code output})
 * @param data   key {@code data}
 * @param lora   key {@code lora}
 * @param train  key {@code train}
 */
public record RunConfig(String model, Path output, DataConfig data, LoraSettings lora, TrainSettings train) {

    public RunConfig {
        Checks.nonBlank("model", model);
        Checks.present("output", output);
        Checks.present("data", data);
        Checks.present("lora", lora);
        Checks.present("train", train);
    }

    /**
     * Fails unless data.max_seq_len fits the model's context; called by the trainer once the model's
     * {@code n_positions} is known, which the config loader cannot know.
     */
    public void requireMaxSeqLenWithin(int nPositions) {
        if (data.maxSeqLen() > nPositions) {
            throw new ConfigValueError("data.max_seq_len", "data.max_seq_len = " + data.maxSeqLen()
                    + " is out of range for model '" + model + "'; it must be <= its n_positions (" + nPositions
                    + "): set data.max_seq_len: " + nPositions + " or pass --set data.max_seq_len=" + nPositions);
        }
    }

    /** The whole config as YAML, every key present (unset optional keys as null), ready to save or print. */
    public String toYaml() {
        return ConfigYaml.write(this);
    }
}
