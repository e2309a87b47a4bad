package dev.lora.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lora.config.ConfigKeys;
import dev.lora.config.RunConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The config keys that shape a run's numbers, flattened to "section.key" -> value, as each checkpoint records
 * them: resuming with a different value would silently continue another run. Left out are the keys a run can
 * change between a stop and a resume without changing what it computes: where it writes, what it evaluates on,
 * how often it logs, evaluates and saves, and what it does on a non-finite step.
 */
record RunFingerprint(Map<String, String> values) {
    private static final Set<String> NEUTRAL = ConfigKeys.neutralPaths();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static RunFingerprint of(RunConfig config) {
        try {
            Map<String, String> out = new TreeMap<>();
            flatten("", YAML.readTree(config.toYaml()), out);
            NEUTRAL.forEach(out::remove);
            return new RunFingerprint(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RunFingerprint read(JsonNode node) {
        Map<String, String> out = new TreeMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return new RunFingerprint(out);
    }

    ObjectNode toJson() {
        ObjectNode n = new ObjectMapper().createObjectNode();
        values.forEach(n::put);
        return n;
    }

    /** The keys whose values differ, as "checkpoint: k=v, ...; this run: k=v, ..."; empty when none. */
    String differencesFrom(RunFingerprint checkpoint) {
        List<String> then = new ArrayList<>(), now = new ArrayList<>();
        Set<String> keys = new TreeSet<>(values.keySet());
        keys.addAll(checkpoint.values.keySet());
        for (String k : keys) {
            String a = checkpoint.values.get(k), b = values.get(k);
            if (Objects.equals(a, b)) continue;
            then.add(k + "=" + (a == null ? "(unset)" : a));
            now.add(k + "=" + (b == null ? "(unset)" : b));
        }
        return then.isEmpty() ? "" : "checkpoint: " + String.join(", ", then) + "; this run: " + String.join(", ", now);
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out));
        } else {
            out.put(prefix, node.isArray() || node.isNull() ? node.toString() : node.asText());
        }
    }
}
