package dev.lora.eval.generate;

import dev.lora.data.PythonText;
import dev.lora.tokenizer.Gpt2Tokenizer;

/** A generated completion as text, as the LoRA paper's scripts write their predictions. */
public final class GeneratedText {
    private GeneratedText() {
    }

    /** The decoded tokens with surrounding whitespace stripped as Python's {@code str.strip()} does. */
    public static String of(Gpt2Tokenizer tokenizer, int[] generated) {
        return PythonText.strip(tokenizer.decode(generated));
    }
}
