package dev.lora.eval.metrics;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * pycocoevalcap's PTBTokenizer wrapper: PTB tokens, lower-cased, minus the tokens of its punctuation
 * list, joined by single spaces. ROUGE-L, CIDEr and METEOR all score these strings.
 */
public final class CocoTokenizer {

    // pycocoevalcap's list verbatim. Its bracket entries are upper case while the tokenizer runs with
    // -lowerCase, so "-lrb-" and friends are never removed: that is the official behaviour.
    private static final Set<String> PUNCTUATION = Set.of("''", "'", "``", "`", "-LRB-", "-RRB-", "-LCB-", "-RCB-",
            ".", "?", "!", ",", ":", "-", "--", "...", ";");

    private CocoTokenizer() {
    }

    public static String tokenize(String text) {
        return PtbTokenizer.tokenize(text.replace('\n', ' ')).stream()
                .filter(token -> !PUNCTUATION.contains(token))
                .collect(Collectors.joining(" "));
    }

    /** Python's {@code s.split(" ")}: an empty string is one empty token. */
    static List<String> splitOnSpace(String tokenized) {
        return List.of(tokenized.split(" ", -1));
    }

    /** Python's {@code s.split()}: an empty string has no tokens. */
    static List<String> splitOnWhitespace(String tokenized) {
        String s = tokenized.strip();
        return s.isEmpty() ? List.of() : List.of(s.split("\\s+"));
    }
}
