package dev.lora.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Training and decoding throughput on a random model.")
public final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("lora bench: not implemented yet (issue #6).");
        return Main.EXIT_INPUT;
    }
}
