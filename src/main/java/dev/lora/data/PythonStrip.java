package dev.lora.data;

/** Python's {@code str.strip()} with no argument, so text is cut exactly where the LoRA scripts cut it. */
public final class PythonStrip {
    private PythonStrip() {
    }

    /** Python's str.isspace() per character: Java's whitespace plus the no-break spaces and U+0085. */
    static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }

    public static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.charAt(start))) start++;
        while (end > start && isSpace(s.charAt(end - 1))) end--;
        return s.substring(start, end);
    }
}
