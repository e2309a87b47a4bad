package dev.lora.data;

import java.util.Objects;
import java.util.Optional;

/**
 * An example's text as read, before tokenisation: what generation is prompted with and what its output is
 * scored against. {@code line} is the 1-based line of the file it came from (for JSON data sets, the 1-based
 * entry). {@code category} is a WebNLG entry's category, which splits its scores into seen and unseen.
 */
public record RawExample(String context, String completion, int line, Optional<Category> category) {
    public RawExample {
        Objects.requireNonNull(category, "category (use Optional.empty())");
    }

    public RawExample(String context, String completion, int line) {
        this(context, completion, line, Optional.empty());
    }

    /**
     * A WebNLG category and whether it is one of the ten the 2017 challenge trained on: its test set reports
     * seen (S), unseen (U) and all (A) scores by this flag.
     */
    public record Category(String name, boolean seen) {
        public Category {
            Objects.requireNonNull(name, "name");
        }
    }
}
