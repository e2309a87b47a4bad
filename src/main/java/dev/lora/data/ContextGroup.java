package dev.lora.data;

import java.util.List;

/**
 * One distinct context and every completion given for it, in file order: E2E lists several reference texts
 * per meaning representation, and a system produces one output per context, scored against all of them.
 * {@code firstIndex} is the position, in the dataset's example lists, of the context's first example.
 */
public record ContextGroup(String context, List<String> references, int firstIndex) {
    public ContextGroup {
        references = List.copyOf(references);
    }
}
