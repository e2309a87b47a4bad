package dev.lora.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true, description = "Convert an adapter to PEFT or loralib format.")
public final class ExportCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("lora export: not implemented yet (issue #4).");
        return Main.EXIT_INPUT;
    }
}
