package dev.lora.eval.metrics.meteor;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringTokenizer;
import java.util.regex.Pattern;

/**
 * METEOR 1.5's {@code -norm} text normalisation for English with punctuation kept (a Moses-style
 * tokeniser plus METEOR's own changes: quotes and dashes unified, hyphens between word characters
 * replaced by spaces, dotted acronyms undotted), followed by its lower-casing and whitespace split.
 * Java's regex semantics matter here (non-overlapping replaceAll, ASCII \p{Digit} and \p{Lower}), as
 * METEOR is Java too.
 */
final class MeteorNormalizer {

    // METEOR's letter and alphanumeric ranges: Latin-1 / Latin Extended-A letters and Cyrillic.
    private static final String ALPHA = "A-Za-zŠŽšžŸÀ-ÖØ-öø-ž\u0400-\u04FF\u0500-\u0527\uA640-\uA66E\uA67E-\uA697\u1D00-\u1D7F";
    private static final String ALNUM = "0-9" + ALPHA;

    private static final Pattern SEPARATE_SYMBOLS = Pattern.compile("([^" + ALNUM + "\\s.'`,\\-‘’])");
    private static final Pattern MULTI_DOT = Pattern.compile("\\.([.]+)");
    private static final Pattern MULTI_DOT_NEXT = Pattern.compile("DOTMULTI\\.([^.])");
    private static final Pattern COMMA_NON_DIGITS = Pattern.compile("([^\\p{Digit}])[,]([^\\p{Digit}])");
    private static final Pattern COMMA_AFTER_DIGIT = Pattern.compile("([\\p{Digit}])[,]([^\\p{Digit}])");
    private static final Pattern COMMA_BEFORE_DIGIT = Pattern.compile("([^\\p{Digit}])[,]([\\p{Digit}])");
    private static final Pattern SINGLE_QUOTES = Pattern.compile("([`‘’])");
    private static final Pattern DOUBLE_QUOTES = Pattern.compile("([“”]|'')");
    private static final Pattern HYPHEN_IN_WORD = Pattern.compile("([" + ALNUM + ".])[\\-]([" + ALNUM + "])");
    private static final Pattern APOSTROPHE_ALONE = Pattern.compile("([^" + ALPHA + "])[']([^" + ALPHA + "])");
    private static final Pattern APOSTROPHE_BEFORE_WORD = Pattern.compile("([^" + ALPHA + "\\p{Digit}])[']([" + ALPHA + "])");
    private static final Pattern APOSTROPHE_AFTER_WORD = Pattern.compile("([" + ALPHA + "])[']([^" + ALPHA + "])");
    private static final Pattern APOSTROPHE_IN_WORD = Pattern.compile("([" + ALPHA + "])[']([" + ALPHA + "])");
    private static final Pattern APOSTROPHE_DECADE = Pattern.compile("([\\p{Digit}])[']([s])");
    private static final Pattern HAS_ALPHA = Pattern.compile("[" + ALPHA + "]");
    private static final Pattern STARTS_LOWER = Pattern.compile("^[\\p{Lower}]");
    private static final Pattern STARTS_DIGIT = Pattern.compile("^[0-9]+");
    private static final Pattern WHITESPACE = Pattern.compile("[\\s\\u00A0\\u2000-\\u200B\\u202F\\u205F\\u3000]+");

    private enum Prefix { ANY, NUMERIC_ONLY }

    // Moses' English non-breaking prefixes as METEOR 1.5 lists them (resources/nonbreaking/english.prefixes). METEOR
    // looks them up case-sensitively before lower-casing, so on lower-case input (the E2E path) only "v", "vs",
    // "i.e", "rev", "e.g" and "pp" can apply; GenerationEval's input keeps its case and needs the whole list.
    private static final Map<String, Prefix> NON_BREAKING = nonBreaking(
            "A B C D E F G H I J K L M N O P Q R S T U V W X Y Z Adj Adm Adv Asst Bart Bldg Brig Bros Capt Cmdr Col Comdr"
                    + " Con Corp Cpl DR Dr Drs Ens Gen Gov Hon Hr Hosp Insp Lt MM MR MRS MS Maj Messrs Mlle Mme Mr Mrs Ms"
                    + " Msgr Op Ord Pfc Ph Prof Pvt Rep Reps Res Rev Rt Sen Sens Sfc Sgt Sr St Supt Surg v vs i.e rev e.g Nos Nr",
            "No Art pp");

    private static Map<String, Prefix> nonBreaking(String any, String numericOnly) {
        Map<String, Prefix> m = new java.util.HashMap<>();
        for (String p : any.split(" ")) m.put(p, Prefix.ANY);
        for (String p : numericOnly.split(" ")) m.put(p, Prefix.NUMERIC_ONLY);
        return Map.copyOf(m);
    }

    private MeteorNormalizer() {
    }

    static List<String> words(String line) {
        String s = " " + line + " ";
        s = SEPARATE_SYMBOLS.matcher(s).replaceAll(" $1 ");
        s = MULTI_DOT.matcher(s).replaceAll(" DOTMULTI$1");
        while (s.contains("DOTMULTI.")) {
            s = MULTI_DOT_NEXT.matcher(s).replaceAll("DOTDOTMULTI $1");
            s = s.replace("DOTMULTI.", "DOTDOTMULTI");
        }
        s = COMMA_NON_DIGITS.matcher(s).replaceAll("$1 , $2");
        s = COMMA_AFTER_DIGIT.matcher(s).replaceAll("$1 , $2");
        s = COMMA_BEFORE_DIGIT.matcher(s).replaceAll("$1 , $2");
        s = SINGLE_QUOTES.matcher(s).replaceAll("'");
        s = DOUBLE_QUOTES.matcher(s).replaceAll(" \" ");
        s = s.replace("–", "-").replace("--", "-");
        s = HYPHEN_IN_WORD.matcher(s).replaceAll("$1 $2");
        s = APOSTROPHE_ALONE.matcher(s).replaceAll("$1 ' $2");
        s = APOSTROPHE_BEFORE_WORD.matcher(s).replaceAll("$1 ' $2");
        s = APOSTROPHE_AFTER_WORD.matcher(s).replaceAll("$1 ' $2");
        s = APOSTROPHE_IN_WORD.matcher(s).replaceAll("$1 '$2");
        s = APOSTROPHE_DECADE.matcher(s).replaceAll("$1 '$2");
        s = splitFullStops(s);
        while (s.contains("DOTDOTMULTI")) s = s.replace("DOTDOTMULTI", "DOTMULTI.");
        s = s.replace("DOTMULTI", ".");
        s = WHITESPACE.matcher(s).replaceAll(" ").trim().toLowerCase(Locale.ROOT);
        StringTokenizer tokenizer = new StringTokenizer(s);
        String[] words = new String[tokenizer.countTokens()];
        for (int i = 0; i < words.length; i++) words[i] = tokenizer.nextToken();
        return List.of(words);
    }

    /** A word's final full stop is split off unless the word is a non-breaking prefix or acronym. */
    private static String splitFullStops(String s) {
        StringTokenizer tokenizer = new StringTokenizer(s);
        String[] words = new String[tokenizer.countTokens()];
        for (int i = 0; i < words.length; i++) words[i] = tokenizer.nextToken();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < words.length; i++) {
            String word = words[i];
            String next = i + 1 < words.length ? words[i + 1] : null;
            if (word.length() > 1 && word.endsWith(".")) {
                String prefix = word.substring(0, word.length() - 1);
                Prefix type = NON_BREAKING.get(prefix);
                if (prefix.contains(".") && HAS_ALPHA.matcher(prefix).find()) {
                    out.append(word.replace(".", "")); // "u.s." matches an undotted "us"
                } else if (type == Prefix.ANY || (next != null && STARTS_LOWER.matcher(next).find())) {
                    out.append(word);
                } else if (type == Prefix.NUMERIC_ONLY && next != null && STARTS_DIGIT.matcher(next).find()) {
                    out.append(word);
                } else {
                    out.append(prefix).append(" .");
                }
            } else {
                out.append(word);
            }
            out.append(' ');
        }
        return out.toString();
    }
}
