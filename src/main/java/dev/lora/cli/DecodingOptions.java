package dev.lora.cli;

import dev.lora.eval.generate.GenerationSettings;
import dev.lora.io.InputError;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The decoding options of {@code lora eval} and {@code lora generate}, with the LoRA paper's E2E defaults: beam 10,
 * length penalty 0.8, no repeated 4-gram, at most 64 new tokens. Checked up front, in the options' own names.
 */
final class DecodingOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--beam", defaultValue = "10", description = "Beam width (default: ${DEFAULT-VALUE}).")
    int beam;

    @Option(names = "--length-penalty", defaultValue = "0.8", description = "Finished beams score sum(log p) / length^this (default: ${DEFAULT-VALUE}).")
    double lengthPenalty;

    @Option(names = "--no-repeat-ngram", defaultValue = "4", description = "Ban repeating an n-gram of this size; 0 = off (default: ${DEFAULT-VALUE}).")
    int noRepeatNgram;

    @Option(names = "--max-new-tokens", defaultValue = "64", description = "Most tokens generated per context (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--greedy", description = "Greedy decoding instead of beam search.")
    boolean greedy;

    @Option(names = "--top-p", description = "Nucleus sampling with this top-p instead of beam search (seeded by --seed).")
    Double topP;

    @Option(names = "--temperature", defaultValue = "1.0", description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--seed", defaultValue = "0", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--contexts-per-batch", defaultValue = "10", description = "Contexts decoded together (default: ${DEFAULT-VALUE}).")
    int contextsPerBatch;

    /** Every range, and the options that exclude each other; before any work. */
    void check() {
        OptionChecks.atLeast("--beam", beam, 1);
        OptionChecks.atLeast("--max-new-tokens", maxNewTokens, 1);
        OptionChecks.atLeast("--contexts-per-batch", contextsPerBatch, 1);
        OptionChecks.atLeast("--no-repeat-ngram", noRepeatNgram, 0);
        OptionChecks.within("--top-p", topP, 0, 1);
        OptionChecks.positive("--temperature", temperature);
        OptionChecks.finite("--length-penalty", lengthPenalty);
        boolean beamGiven = spec.commandLine().getParseResult().hasMatchedOption("--beam");
        if (greedy && topP != null) throw new InputError("--greedy and --top-p exclude each other");
        if (greedy && beamGiven) throw new InputError("--greedy and --beam exclude each other (greedy decoding is one beam)");
        if (topP != null && beamGiven) throw new InputError("--top-p and --beam exclude each other (sampling draws one sequence)");
    }

    GenerationSettings settings() {
        check();
        try {
            GenerationSettings s = GenerationSettings.e2ePaperDefaults().withBeams(beam).withMaxNewTokens(maxNewTokens)
                    .withContextsPerBatch(contextsPerBatch);
            s = new GenerationSettings(s.decoding(), s.beams(), lengthPenalty, noRepeatNgram, s.maxNewTokens(),
                    s.stopTokens(), s.temperature(), s.topP(), s.seed(), s.contextsPerBatch(), s.useCache());
            if (greedy) return s.greedy();
            if (topP != null) return s.sampling(temperature, topP, seed);
            return s;
        } catch (IllegalArgumentException e) {
            throw new InputError("decoding options: " + e.getMessage(), e);
        }
    }
}
