package dev.lora.eval.generate;

/** How the next token is chosen. */
public enum Decoding {
    /** Beam search with a length penalty (see {@link BeamSearch}), the LoRA paper's E2E decoding. */
    BEAM,
    /** The most probable token each step (lowest id on ties); the same output as beam search with one beam. */
    GREEDY,
    /** Nucleus (top-p) sampling at a temperature, seeded per prompt. */
    SAMPLE
}
