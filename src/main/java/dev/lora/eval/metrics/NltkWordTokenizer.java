package dev.lora.eval.metrics;

import dev.lora.data.PythonText;

import java.util.List;
import java.util.regex.Pattern;

/**
 * NLTK 3.5's {@code word_tokenize} (its NLTKWordTokenizer, the improved Treebank rules), which GenerationEval
 * runs over references and outputs before METEOR and TER. Each line is tokenised whole: NLTK first splits text
 * into sentences with its trained Punkt model, which is not reproduced here. That only matters for a full stop
 * inside a line that is not already a token of its own; on text tokenised as microsoft/LoRA's gpt2_decode.py
 * {@code --tokenize} writes it (every non-word character apart), the tokens are the same (docs/metrics.md).
 *
 * <p>Python's classes are spelt out: its {@code \w} is a letter, a number or {@code _}, its {@code \s} is
 * str.isspace(), and {@code $} is the end or before a final newline.
 */
public final class NltkWordTokenizer {
    private static final String W = PythonText.WORD_CLASS;
    private static final String S = PythonText.SPACE_CLASS;
    private static final String NOT_S = "[^" + S.substring(1);
    private static final String END = "(?=\\n?\\z)";
    private static final String NOT_BEFORE_W = "(?!" + W + ")";
    private static final String NOT_AFTER_W = "(?<!" + W + ")";

    private record Rule(Pattern pattern, String replacement) {
        Rule(String regex, String replacement) {
            this(Pattern.compile(regex, Pattern.UNICODE_CASE), replacement);
        }

        String apply(String text) {
            return pattern.matcher(text).replaceAll(replacement);
        }
    }

    private static final List<Rule> STARTING_QUOTES = List.of(
            new Rule("([«“‘„]|[`]+)", " $1 "),
            new Rule("^\"", "``"),
            new Rule("(``)", " $1 "),
            new Rule("([ (\\[{<])(\"|'{2})", "$1 `` "),
            new Rule("(?i)(')(?!re|ve|ll|m|t|s|d)(" + W + ")" + NOT_BEFORE_W, "$1 $2"));

    private static final List<Rule> PUNCTUATION = List.of(
            new Rule("([^.])(\\.)([\\])}>\"'»”’ ]*)" + S + "*" + END, "$1 $2 $3 "),
            new Rule("([:,])([^\\p{Nd}])", " $1 $2"),
            new Rule("([:,])" + END, " $1 "),
            new Rule("\\.{2,}", " $0 "),
            new Rule("[;@#$%&]", " $0 "),
            new Rule("([^.])(\\.)([\\])}>\"']*)" + S + "*" + END, "$1 $2$3 "),
            new Rule("[?!]", " $0 "),
            new Rule("([^'])' ", "$1 ' "),
            new Rule("[*]", " $0 "));

    private static final Rule PARENS_BRACKETS = new Rule("[\\]\\[(){}<>]", " $0 ");
    private static final Rule DOUBLE_DASHES = new Rule("--", " -- ");

    private static final List<Rule> ENDING_QUOTES = List.of(
            new Rule("([»”’])", " $1 "),
            new Rule("\"", " '' "),
            new Rule("(" + NOT_S + ")('')", "$1 $2 "),
            new Rule("([^' ])('[sS]|'[mM]|'[dD]|') ", "$1 $2 "),
            new Rule("([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) ", "$1 $2 "));

    private static final List<Rule> CONTRACTIONS = List.of(
            contraction("can", "not"), contraction("d", "'ye"), contraction("gim", "me"), contraction("gon", "na"),
            contraction("got", "ta"), contraction("lem", "me"), contraction("mor", "'n"),
            new Rule("(?i)" + NOT_AFTER_W + "(wan)(na)" + S, " $1 $2 "),
            new Rule("(?i) ('t)(is)" + NOT_BEFORE_W, " $1 $2 "),
            new Rule("(?i) ('t)(was)" + NOT_BEFORE_W, " $1 $2 "));

    private NltkWordTokenizer() {
    }

    public static List<String> tokenize(String text) {
        for (Rule r : STARTING_QUOTES) text = r.apply(text);
        for (Rule r : PUNCTUATION) text = r.apply(text);
        text = PARENS_BRACKETS.apply(text);
        text = DOUBLE_DASHES.apply(text);
        text = " " + text + " ";
        for (Rule r : ENDING_QUOTES) text = r.apply(text);
        for (Rule r : CONTRACTIONS) text = r.apply(text);
        return PythonText.split(text);
    }

    /** GenerationEval's form: the tokens joined by single spaces. */
    public static String joined(String text) {
        return String.join(" ", tokenize(text));
    }

    // "\b(can)(not)\b": the first part starts a word and the second ends one.
    private static Rule contraction(String first, String second) {
        return new Rule("(?i)" + NOT_AFTER_W + "(" + Pattern.quote(first) + ")(" + Pattern.quote(second) + ")" + NOT_BEFORE_W,
                " $1 $2 ");
    }
}
