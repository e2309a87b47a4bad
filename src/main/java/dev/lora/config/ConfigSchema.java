package dev.lora.config;

import dev.lora.config.ConfigTree.Entry;
import dev.lora.config.ConfigTree.MapNode;

import java.util.Collections;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The valid keys at each level, as {@link ConfigKeys} lists them. Checked before any value is typed so that a misspelt key is reported as
 * such, rather than as the "missing required key" or default it would otherwise cause.
 */
final class ConfigSchema {
    private ConfigSchema() {
    }

    /** Top-level keys and section names, in the order toYaml writes them. */
    static final List<String> TOP_LEVEL = topLevel();

    /** Section name to its keys, in the order toYaml writes them. */
    static final Map<String, List<String>> SECTIONS = Collections.unmodifiableMap(ConfigKeys.namesBySection());

    private static List<String> topLevel() {
        List<String> top = new ArrayList<>();
        ConfigKeys.in("").forEach(k -> top.add(k.name()));
        top.addAll(ConfigKeys.sectionNames());
        return List.copyOf(top);
    }

    /** Keys valid directly under a section; "" is the top level. */
    static List<String> keysAt(String section) {
        return section.isEmpty() ? TOP_LEVEL : SECTIONS.getOrDefault(section, List.of());
    }

    static String fullKey(String section, String key) {
        return section.isEmpty() ? key : section + "." + key;
    }

    /** True for a dotted key that holds a value rather than a section: model, train.lr... */
    static boolean isValueKey(String dottedKey) {
        int dot = dottedKey.indexOf('.');
        if (dot < 0) return TOP_LEVEL.contains(dottedKey) && !SECTIONS.containsKey(dottedKey);
        return keysAt(dottedKey.substring(0, dot)).contains(dottedKey.substring(dot + 1));
    }

    /** Throws for the first key, in document order, that is not in the schema. */
    static void rejectUnknownKeys(MapNode root) {
        checkLevel("", root);
        for (String section : SECTIONS.keySet()) {
            Entry e = root.entries().get(section);
            // A section given as a non-mapping is reported, with its type, when it is bound.
            if (e != null && e.value() instanceof MapNode m) checkLevel(section, m);
        }
    }

    private static void checkLevel(String section, MapNode map) {
        List<String> valid = keysAt(section);
        for (Entry e : map.entries().values()) {
            if (valid.contains(e.key())) continue;
            String full = fullKey(section, e.key());
            String hint = KeySuggester.suggest(section, e.key())
                    .map(s -> "did you mean '" + s + "'?")
                    .orElse("valid keys " + (section.isEmpty() ? "at the top level" : "under '" + section + "'")
                            + ": " + String.join(", ", valid));
            throw e.keyOrigin().error("unknown key '" + full + "'; " + hint);
        }
    }
}
