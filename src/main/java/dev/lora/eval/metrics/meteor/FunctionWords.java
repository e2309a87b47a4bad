package dev.lora.eval.metrics.meteor;

import java.util.Set;

/**
 * Words METEOR weights as function words (delta 0.75 goes to content words, 0.25 to these).
 * METEOR 1.5 ships its own English list inside its jar (words above a relative frequency of 1e-3
 * in a large corpus), which is not available here; this stand-in holds the closed-class words and
 * punctuation that dominate such a frequency list. docs/metrics.md gives the effect on the scores.
 */
final class FunctionWords {

    static final Set<String> ENGLISH = Set.of(
            // punctuation and clitics as METEOR's normaliser leaves them
            ",", ".", "'", "\"", "'s", "s", "-", ":", ";", "(", ")", "?", "!", "n't",
            // articles, determiners, pronouns
            "a", "an", "the", "this", "that", "these", "those", "some", "any", "all", "each", "every", "no",
            "other", "such", "i", "you", "he", "she", "it", "we", "they", "me", "him", "her", "us", "them",
            "my", "your", "his", "its", "our", "their", "who", "whom", "whose", "which", "what", "there",
            // prepositions and conjunctions
            "of", "in", "to", "for", "with", "on", "at", "by", "from", "as", "into", "about", "than", "after",
            "over", "between", "out", "up", "and", "or", "but", "if", "so", "because", "while", "when",
            "where", "also", "only", "not", "more", "most", "very", "just", "then", "now",
            // auxiliaries and modals
            "is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had", "do", "does",
            "did", "will", "would", "can", "could", "may", "might", "should", "must", "one", "two");

    private FunctionWords() {
    }
}
