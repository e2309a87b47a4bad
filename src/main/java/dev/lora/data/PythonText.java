package dev.lora.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code str.strip()}, {@code str.split()} (no argument) and order of strings, so text is cut and
 * compared exactly where the LoRA and GenerationEval scripts cut and compare it.
 */
public final class PythonText {
    /** Python's {@code \w} on str as a regular-expression class: a letter, a number or the underscore. */
    public static final String WORD_CLASS = "[\\p{L}\\p{N}_]";
    /** Python's {@code \s} on str (what str.isspace() accepts) as a regular-expression class. */
    public static final String SPACE_CLASS = "[\\s\\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";

    private PythonText() {
    }

    /** {@link #WORD_CLASS} for one code point. */
    public static boolean isWord(int c) {
        return Character.isLetter(c) || switch (Character.getType(c)) {
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> true;
            default -> c == '_';
        };
    }

    /** Python's str.isspace() per character: Java's whitespace plus the no-break spaces and U+0085. */
    public static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }

    public static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.charAt(start))) start++;
        while (end > start && isSpace(s.charAt(end - 1))) end--;
        return s.substring(start, end);
    }

    /** str.split() with no argument: runs of whitespace separate words, and none are at the ends. */
    public static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int i = 0, n = s.length();
        while (i < n) {
            while (i < n && isSpace(s.charAt(i))) i++;
            int start = i;
            while (i < n && !isSpace(s.charAt(i))) i++;
            if (i > start) out.add(s.substring(start, i));
        }
        return out;
    }

    /** Python's order of str, by code point (Java's compareTo orders UTF-16 units, which differs above U+FFFF). */
    public static int compare(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i), cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
