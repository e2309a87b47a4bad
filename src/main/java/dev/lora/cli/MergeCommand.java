package dev.lora.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "merge", mixinStandardHelpOptions = true, description = "Fold adapters into the base weights and write a Hugging Face GPT-2 folder.")
public final class MergeCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("lora merge: not implemented yet (issue #4).");
        return Main.EXIT_INPUT;
    }
}
