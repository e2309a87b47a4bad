package dev.lora.eval.metrics;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The default ("western", non-international) normalisation of NIST mteval-v13a.pl, which the E2E
 * scorer runs BLEU and NIST through: SGML entities decoded, ASCII lower-casing, punctuation split off
 * except full stops and commas inside numbers and apostrophes and hyphens inside words.
 */
public final class MtevalTokenizer {

    // The script reads its SGML with Perl's Unicode \s, which Java only matches with this flag.
    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
    // multi-bleu-detok.perl reads bytes, where Perl's \s is ASCII whitespace only.
    private static final Pattern ASCII_WHITESPACE = Pattern.compile("[ \\t\\n\\x0B\\f\\r]+");
    // The character class of mteval's "tokenize punctuation" line, range by range:
    // { | } ~   [ \ ] ^ _ `   space ! " # $ % &   ( ) * +   : ; < = > ? @   /
    private static final Pattern PUNCTUATION = Pattern.compile("([{-~\\[-` -&(-+:-@/])");
    private static final Pattern STOP_OR_COMMA_AFTER_NON_DIGIT = Pattern.compile("([^0-9])([.,])");
    private static final Pattern STOP_OR_COMMA_BEFORE_NON_DIGIT = Pattern.compile("([.,])([^0-9])");
    private static final Pattern DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");

    private MtevalTokenizer() {
    }

    /** Tokens of one segment, in mteval's order of operations (each replaceAll is one Perl s///g). */
    public static List<String> tokenize(String segment) {
        // The segment first went through the SGML reader, which collapses every whitespace run.
        return split(normalised(WHITESPACE.matcher(segment).replaceAll(" "), true, WHITESPACE).strip());
    }

    /**
     * The same tokenisation as Moses' multi-bleu-detok.perl copies it from mteval-v13a (GenerationEval's BLEU):
     * case kept, one line of bytes, so only ASCII whitespace separates tokens.
     */
    public static List<String> tokenizeCased(String line) {
        // After the collapse to single spaces, Perl's s/^\s+// and s/\s+$// each remove at most one.
        String text = normalised(line, false, ASCII_WHITESPACE);
        if (text.startsWith(" ")) text = text.substring(1);
        if (text.endsWith(" ")) text = text.substring(0, text.length() - 1);
        return split(text);
    }

    private static List<String> split(String text) {
        return text.isEmpty() ? List.of() : List.of(text.split(" "));
    }

    private static String normalised(String segment, boolean lowerCase, Pattern whitespace) {
        String text = segment.replace("<skipped>", "");
        text = text.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        text = " " + (lowerCase ? asciiLowerCase(text) : text) + " ";
        text = PUNCTUATION.matcher(text).replaceAll(" $1 ");
        text = STOP_OR_COMMA_AFTER_NON_DIGIT.matcher(text).replaceAll("$1 $2 ");
        text = STOP_OR_COMMA_BEFORE_NON_DIGIT.matcher(text).replaceAll(" $1 $2");
        text = DASH_AFTER_DIGIT.matcher(text).replaceAll("$1 $2 ");
        return whitespace.matcher(text).replaceAll(" ");
    }

    // Perl's tr/[A-Z]/[a-z]/ touches ASCII capitals only: "É" stays as it is.
    private static String asciiLowerCase(String s) {
        char[] chars = s.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] >= 'A' && chars[i] <= 'Z') chars[i] = (char) (chars[i] + ('a' - 'A'));
        }
        return new String(chars);
    }
}
