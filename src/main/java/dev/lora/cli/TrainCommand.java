package dev.lora.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true, description = "Fine-tune GPT-2 with LoRA from a run config.")
public final class TrainCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("lora train: not implemented yet (issue #3).");
        return Main.EXIT_INPUT;
    }
}
