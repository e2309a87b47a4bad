package dev.lora.data;

import dev.lora.tokenizer.Gpt2Tokenizer;

import java.util.Arrays;

/**
 * The LoRA paper's sequence layout (microsoft/LoRA gpt2_encode.py with --add_bos --add_eos):
 * {@code enc(context) + [eos]} then {@code enc(" " + completion) + [eos]}; the completion starts after the
 * first end-of-text token. Generation must build its prompts the same way.
 */
public final class PromptFormat {
    private PromptFormat() {
    }

    /** What a model is conditioned on: the context's tokens and the end-of-text separator. */
    public static int[] promptTokens(Gpt2Tokenizer tok, String context) {
        return withEos(tok.encode(context), tok.eosId());
    }

    /** What a model learns to produce: the completion after one space, then end-of-text. */
    public static int[] completionTokens(Gpt2Tokenizer tok, String completion) {
        return withEos(tok.encode(" " + completion), tok.eosId());
    }

    private static int[] withEos(int[] ids, int eos) {
        int[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = eos;
        return out;
    }
}
