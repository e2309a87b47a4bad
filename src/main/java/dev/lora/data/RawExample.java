package dev.lora.data;

/**
 * An example's text as read, before tokenisation: what generation is prompted with and what its output is
 * scored against. {@code line} is the 1-based line of the file it came from.
 */
public record RawExample(String context, String completion, int line) {
}
