package dev.lora.eval.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Re-implementation of the Stanford PTBTokenizer (CoreNLP 3.4.1, options {@code -preserveLines
 * -lowerCase}) as pycocoevalcap runs it before ROUGE-L, CIDEr and METEOR, for the kind of text NLG
 * systems write: word boundaries, clitics ("it 's", "do n't"), PTB escapes ("(" becomes "-lrb-",
 * quotes become `` '' ` '), currency normalisation ("£" becomes "#") and the abbreviation rules for
 * full stops. Checked token for token against the real tokenizer on every reference and system
 * output of the E2E development and test sets.
 */
public final class PtbTokenizer {

    private static final String ALNUM = "[\\p{L}\\p{M}\\p{N}]";
    // Apostrophe inside a word ("o'clock", "d'oeuvre") unless what follows is a clitic ("it's").
    private static final String INNER_APOSTROPHE = "['’](?!(?i:s|re|ll|ve|m|d|t)(?![\\p{L}\\p{M}\\p{N}]))";
    // Word-internal connectors: hyphen, dot, ampersand, slash, underscore; comma and colon only in numbers.
    private static final Pattern WORD = Pattern.compile(ALNUM + "+(?:(?:[-.&/_]|" + INNER_APOSTROPHE
            + "|(?<=\\p{N})[,:](?=\\p{N}))" + ALNUM + "+)*");
    private static final Pattern CLITIC = Pattern.compile("['’](?:s|re|ll|ve|m|d|t)(?![\\p{L}\\p{M}\\p{N}])",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DECADE = Pattern.compile("['’]\\p{N}0s(?![\\p{L}\\p{M}\\p{N}])");
    private static final Pattern SIGNED_NUMBER = Pattern.compile("[-+]\\p{N}+(?:[.,]\\p{N}+)*(?![\\p{L}\\p{M}])");
    private static final Pattern ELLIPSIS = Pattern.compile("\\.{3,}|…");
    private static final Pattern DASHES = Pattern.compile("-{2,}|[—–]");
    private static final Pattern DOUBLE_QUOTE = Pattern.compile("``|''|[\"“”„]");
    private static final Pattern SINGLE_QUOTE = Pattern.compile("[`'‘’‚]");
    private static final Pattern SINGLE_LETTER_ACRONYM = Pattern.compile("(?:\\p{L}\\.)+\\p{L}");
    // PTB keeps the full stop of these even at the end of a sentence.
    private static final Set<String> ABBREVIATIONS = Set.of(
            "mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "mt", "ft", "messrs", "gen", "gov", "sen", "rep",
            "rev", "capt", "col", "lt", "sgt", "ave", "blvd", "rd", "jan", "feb", "mar", "apr", "jun", "jul",
            "aug", "sep", "sept", "oct", "nov", "dec", "vs", "etc", "inc", "corp", "ltd", "co");
    private static final Set<String> FUSED = Set.of("cannot", "gonna", "gotta", "wanna");
    private static final Pattern WHITESPACE = Pattern.compile("[\\s\\u00A0\\u2000-\\u200A\\u202F\\u205F\\u3000]+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private PtbTokenizer() {
    }

    /** Lower-cased PTB tokens of one line of text. */
    public static List<String> tokenize(String text) {
        List<String> tokens = new ArrayList<>();
        for (String chunk : WHITESPACE.split(text.replace("&amp;", "&"))) {
            if (!chunk.isEmpty()) tokenizeChunk(chunk, tokens);
        }
        tokens.replaceAll(t -> t.toLowerCase(Locale.ROOT));
        return tokens;
    }

    private static void tokenizeChunk(String chunk, List<String> out) {
        int pos = 0;
        while (pos < chunk.length()) {
            Matcher word = WORD.matcher(chunk).region(pos, chunk.length());
            if (word.lookingAt()) {
                String token = word.group();
                int end = word.end();
                if (keepsFullStop(token, chunk, end)) {
                    token += ".";
                    end++;
                }
                out.addAll(splitContraction(token));
                pos = end;
                continue;
            }
            Matcher m;
            if ((m = matchAt(CLITIC, chunk, pos)) != null) {
                addClitic(m.group(), pos > 0, out);
                pos = m.end();
                continue;
            }
            if ((m = matchAt(DECADE, chunk, pos)) != null
                    || (m = matchAt(ELLIPSIS, chunk, pos)) != null || (m = matchAt(DASHES, chunk, pos)) != null) {
                out.add(normalise(m.group()));
                pos = m.end();
                continue;
            }
            if ((m = matchAt(SIGNED_NUMBER, chunk, pos)) != null) {
                out.add(m.group());
                pos = m.end();
                continue;
            }
            if ((m = matchAt(DOUBLE_QUOTE, chunk, pos)) != null) {
                out.add(pos == 0 || !Character.isLetterOrDigit(chunk.charAt(pos - 1)) ? "``" : "''");
                pos = m.end();
                continue;
            }
            if ((m = matchAt(SINGLE_QUOTE, chunk, pos)) != null) {
                boolean opening = pos == 0 && !(pos + 1 < chunk.length() && Character.isDigit(chunk.charAt(pos + 1)));
                out.add(opening ? "`" : "'");
                pos = m.end();
                continue;
            }
            out.add(normalise(String.valueOf(chunk.charAt(pos))));
            pos++;
        }
    }

    /**
     * PTB keeps a word's full stop when the word is a known abbreviation, a dotted acronym ("e.g.",
     * "u.s."), or when punctuation that cannot end a sentence (, ; :) follows the stop directly.
     */
    private static boolean keepsFullStop(String word, String chunk, int end) {
        if (end >= chunk.length() || chunk.charAt(end) != '.') return false;
        if (end + 1 < chunk.length() && chunk.charAt(end + 1) == '.') return false; // an ellipsis follows
        if (end + 1 < chunk.length() && ",;:".indexOf(chunk.charAt(end + 1)) >= 0) return true;
        return ABBREVIATIONS.contains(word.toLowerCase(Locale.ROOT)) || SINGLE_LETTER_ACRONYM.matcher(word).matches();
    }

    // PTB splits a few fused words: "cannot" -> "can not", "gonna" -> "gon na".
    private static List<String> splitContraction(String word) {
        return FUSED.contains(word.toLowerCase(Locale.ROOT))
                ? List.of(word.substring(0, 3), word.substring(3))
                : List.of(word);
    }

    /**
     * A clitic directly after a word of the same chunk. "don't" lexes as "don" + "'t", which PTB
     * writes "do" + "n't"; an apostrophe-t after anything else is a quote and a letter.
     */
    private static void addClitic(String clitic, boolean afterWord, List<String> out) {
        String clean = "'" + clitic.substring(1);
        if (!clean.equalsIgnoreCase("'t")) {
            out.add(clean);
            return;
        }
        String previous = out.isEmpty() ? "" : out.get(out.size() - 1);
        if (afterWord && previous.length() > 1 && Character.toLowerCase(previous.charAt(previous.length() - 1)) == 'n') {
            out.set(out.size() - 1, previous.substring(0, previous.length() - 1));
            out.add(previous.charAt(previous.length() - 1) + clean);
        } else {
            out.add("'");
            out.add(clitic.substring(1));
        }
    }

    private static String normalise(String token) {
        switch (token) {
            case "(":
                return "-LRB-";
            case ")":
                return "-RRB-";
            case "[":
                return "-LSB-";
            case "]":
                return "-RSB-";
            case "{":
                return "-LCB-";
            case "}":
                return "-RCB-";
            case "£":
                return "#";
            case "€":
            case "¥":
                return "$";
            case "—":
            case "–":
                return "--";
            case "…":
                return "...";
            default:
                if (token.startsWith("--")) return "--";
                if (token.startsWith("...")) return "...";
                if (token.startsWith("’")) return "'" + token.substring(1);
                return token;
        }
    }

    private static Matcher matchAt(Pattern pattern, String text, int pos) {
        Matcher m = pattern.matcher(text).region(pos, text.length());
        return m.lookingAt() ? m : null;
    }
}
