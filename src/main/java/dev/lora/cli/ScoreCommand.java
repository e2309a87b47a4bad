package dev.lora.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "score", mixinStandardHelpOptions = true, description = "E2E metrics (BLEU, NIST, METEOR, ROUGE-L, CIDEr) of predictions against references.")
public final class ScoreCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("lora score: not implemented yet (issue #5).");
        return Main.EXIT_INPUT;
    }
}
