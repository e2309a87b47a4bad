package dev.lora.io;

import com.fasterxml.jackson.core.JacksonException;

import java.util.regex.Pattern;

/**
 * Jackson's parse errors as a phrase for a one-line message. Its own messages end in a location block,
 * "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 35]",
 * also inside the text (the start of an unclosed array), which says nothing to a user but the position.
 */
public final class JsonProblems {
    private static final Pattern LOCATION = Pattern.compile("\\[Source: .*?; line: (\\d+), column: (\\d+)]");

    private JsonProblems() {
    }

    /** The complaint without its trailing location; nested locations become "line L, column C". */
    public static String describe(JacksonException e) {
        return clean(e.getOriginalMessage());
    }

    static String clean(String message) {
        if (message == null) return "";
        return LOCATION.matcher(message).replaceAll("line $1, column $2").strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
