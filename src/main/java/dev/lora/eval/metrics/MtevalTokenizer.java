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
        String text = WHITESPACE.matcher(segment).replaceAll(" ");
        text = text.replace("<skipped>", "");
        text = text.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        text = " " + asciiLowerCase(text) + " ";
        text = PUNCTUATION.matcher(text).replaceAll(" $1 ");
        text = STOP_OR_COMMA_AFTER_NON_DIGIT.matcher(text).replaceAll("$1 $2 ");
        text = STOP_OR_COMMA_BEFORE_NON_DIGIT.matcher(text).replaceAll(" $1 $2");
        text = DASH_AFTER_DIGIT.matcher(text).replaceAll("$1 $2 ");
        text = WHITESPACE.matcher(text).replaceAll(" ").strip();
        return text.isEmpty() ? List.of() : List.of(text.split(" "));
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
