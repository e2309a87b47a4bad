package dev.lora.train;

import dev.lora.config.RunConfig;
import dev.lora.config.TrainSettings;

import java.util.List;
import java.util.Locale;

/**
 * {@code lora train --dry-run}: the resolved config, the step count and how it follows from the config, the examples,
 * the parameter counts and the memory and disk estimates; the weights are not read and nothing is written.
 */
final class DryRun {
    private DryRun() {
    }

    static String report(RunConfig config, RunInputs in, boolean fresh) {
        TrainSettings ts = config.train();
        Preflight.Estimate e = Preflight.estimate(config, in.geometry(), in.longest());
        long trainable = Preflight.trainableParameters(config.lora(), in.geometry()), base = Preflight.baseParameters(in.geometry());
        DataOrder order = in.order();
        StringBuilder out = new StringBuilder("Resolved config:\n").append(config.toYaml().strip()).append("\n\n");
        out.append(String.format(Locale.ROOT, "steps: %d (%s; %d examples per step: batch_size %d x grad_accum %d)%n",
                in.totalSteps(), ts.maxSteps().isPresent() ? "train.max_steps" : ts.epochs() + " epochs of " + order.stepsPerEpoch()
                        + " steps", ts.batchSize() * ts.gradAccum(), ts.batchSize(), ts.gradAccum()));
        out.append(String.format(Locale.ROOT, "examples: %d for training (%d cut to data.max_seq_len=%d)%s; longest %d tokens%n",
                in.train().size(), in.train().truncated(), config.data().maxSeqLen(),
                in.valid().map(v -> ", " + v.size() + " for validation").orElse(""), in.longest()));
        out.append(String.format(Locale.ROOT, "parameters: %,d trainable of %,d in the base model (%.3f%%)%n", trainable, base,
                100.0 * trainable / base));
        out.append(String.format(Locale.ROOT, "memory: about %s (weights %s, activations %s); each checkpoint about %s%n",
                Preflight.size(e.memory()), Preflight.size(e.weights()), Preflight.size(e.activations()), Preflight.size(e.checkpoint())));
        List<String> used = RunFolder.present(config.output());
        out.append("output: ").append(config.output());
        if (!used.isEmpty() && fresh) out.append(" (holds another run: a real run needs --resume or --force)");
        return out.toString();
    }
}
