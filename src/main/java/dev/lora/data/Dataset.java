package dev.lora.data;

import java.nio.file.Path;
import java.util.List;

/**
 * A dataset file as read: {@code examples.get(i)} is the tokenised form of {@code raw.get(i)}.
 * {@code truncated} counts examples whose context lost tokens on the left to fit the maximum length.
 */
public record Dataset(Path file, List<Example> examples, List<RawExample> raw, int truncated) {
    public Dataset {
        examples = List.copyOf(examples);
        raw = List.copyOf(raw);
        if (examples.size() != raw.size()) {
            throw new IllegalArgumentException(examples.size() + " examples but " + raw.size() + " raw texts");
        }
    }

    public int size() {
        return examples.size();
    }

    /** Distinct contexts in order of first appearance, each with its references. */
    public List<ContextGroup> contextGroups() {
        return ContextGroups.of(raw);
    }
}
