package dev.lora.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes a {@link RunConfig} as YAML by hand: Jackson's generator cannot write flow lists
 * ({@code [q, v]}) or comments, and the key set is small and fixed. Keys, their order and their types come
 * from {@link ConfigKeys}.
 */
final class ConfigYaml {
    private ConfigYaml() {
    }

    /** Strings that YAML would read as something other than that string (or as a different string). */
    private static final Pattern PLAIN_SAFE = Pattern.compile("[A-Za-z0-9_./][A-Za-z0-9_./@+-]*");
    private static final Pattern NUMBER_LIKE = Pattern.compile("[-+]?[0-9._]+([eE][-+]?[0-9]+)?|0[xo].*|\\..*");
    private static final List<String> RESERVED = List.of("null", "true", "false", "yes", "no", "on", "off", "y",
            "n", "~");

    static String write(RunConfig c) {
        StringBuilder y = new StringBuilder();
        y.append("# lora run config: every key with its value in force (defaults filled in, paths absolute).\n");
        for (ConfigKey k : ConfigKeys.in("")) line(y, "", k, c);
        for (String section : ConfigKeys.sectionNames()) {
            y.append(section).append(":\n");
            Record r = (Record) RecordValues.get(c, section);
            for (ConfigKey k : ConfigKeys.in(section)) line(y, "  ", k, r);
        }
        return y.toString();
    }

    private static void line(StringBuilder y, String indent, ConfigKey k, Record r) {
        List<Object> values = k.components().stream().map(name -> RecordValues.get(r, name)).toList();
        String text = k.kind() == ConfigKey.Kind.NUMBERS
                ? values.stream().map(v -> Checks.fmt((Double) v)).collect(Collectors.joining(", ", "[", "]"))
                : value(k.kind(), values.get(0));
        y.append(indent).append(k.name()).append(": ").append(text).append('\n');
    }

    private static String value(ConfigKey.Kind kind, Object v) {
        if (v instanceof Optional<?> o) return o.map(x -> value(kind, x)).orElse("null");
        if (v instanceof OptionalInt o) return o.isPresent() ? Integer.toString(o.getAsInt()) : "null";
        return switch (kind) {
            case MODEL, PATH -> str(v.toString());
            case NUMBER -> Checks.fmt((Double) v);
            case CHOICE -> Section.configName((Enum<?>) v);
            case CHOICES -> ((List<?>) v).stream().map(e -> Section.configName((Enum<?>) e)).collect(Collectors.joining(", ", "[", "]"));
            default -> v.toString();
        };
    }

    /** Plain when unambiguous, else a double-quoted YAML string (JSON escapes are valid there). */
    static String str(String s) {
        if (PLAIN_SAFE.matcher(s).matches() && !NUMBER_LIKE.matcher(s).matches()
                && !RESERVED.contains(s.toLowerCase(Locale.ROOT))) {
            return s;
        }
        StringBuilder q = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                default -> {
                    if (ch < 0x20) q.append(String.format("\\u%04x", (int) ch));
                    else q.append(ch);
                }
            }
        }
        return q.append('"').toString();
    }
}
