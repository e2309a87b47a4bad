package dev.lora.eval.generate;

import dev.lora.tokenizer.Gpt2Tokenizer;

/** A generated completion as text, as the LoRA paper's scripts write their predictions. */
public final class GeneratedText {
    private GeneratedText() {
    }

    /** The decoded tokens with surrounding whitespace stripped as Python's {@code str.strip()} does. */
    public static String of(Gpt2Tokenizer tokenizer, int[] generated) {
        return pythonStrip(tokenizer.decode(generated));
    }

    /** Python's str.isspace() per character: Java's whitespace plus the no-break spaces and U+0085. */
    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }

    static String pythonStrip(String s) {
        int start = 0, end = s.length();
        while (start < end && isSpace(s.charAt(start))) start++;
        while (end > start && isSpace(s.charAt(end - 1))) end--;
        return s.substring(start, end);
    }
}
