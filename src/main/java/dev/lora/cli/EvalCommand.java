package dev.lora.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "eval", mixinStandardHelpOptions = true, description = "Loss, perplexity, generation and E2E metrics of a model (plus adapter).")
public final class EvalCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("lora eval: not implemented yet (issue #2).");
        return Main.EXIT_INPUT;
    }
}
