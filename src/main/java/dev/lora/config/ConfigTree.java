package dev.lora.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lora.io.InputError;
import dev.lora.io.JsonProblems;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The raw config as parsed, before any typing: maps, lists and scalars, each remembering the file (or
 * {@code --set} argument) and line it came from. Jackson's JsonNode drops token locations, hence this
 * small tree built from the streaming parser.
 */
final class ConfigTree {
    private ConfigTree() {
    }

    /** Where a node came from: a file path and 1-based line, or a --set argument with line 0. */
    record Origin(String source, int line) {
        InputError error(String message) {
            return InputError.at(source, line, message);
        }
    }

    sealed interface Node permits MapNode, ListNode, Scalar {
        Origin origin();
    }

    /** A map entry; keyOrigin is the key's own line (block values start on a later line). */
    record Entry(String key, Origin keyOrigin, Node value) {
    }

    /** Entries in document order; mutable only while --set overrides are applied to a fresh tree. */
    record MapNode(Map<String, Entry> entries, Origin origin) implements Node {
    }

    record ListNode(List<Node> items, Origin origin) implements Node {
    }

    /**
     * A scalar as the parser typed it (string, int, float, true/false, null). number is the parsed value of
     * a numeric token, or null when the parser could not read it (YAML's .inf, .nan).
     */
    record Scalar(JsonToken token, String text, Number number, Origin origin) implements Node {
        boolean isNull() {
            return token == JsonToken.VALUE_NULL;
        }
    }

    /** Reads a .yaml/.yml/.json file whose top level must be a mapping. */
    static MapNode parseFile(Path file) {
        String source = file.toString();
        Origin whole = new Origin(source, 0);
        // Existence first: "not found" is the likelier mistake than the extension, and true of a folder too.
        if (!Files.isRegularFile(file)) {
            throw whole.error(Files.isDirectory(file) ? "is a folder, not a config file" : "config file not found");
        }
        JsonFactory factory = factoryFor(file, whole);
        try (JsonParser p = factory.createParser(file.toFile())) {
            Node root = p.nextToken() == null ? null : read(p, source, "");
            if (root == null || (root instanceof Scalar s && s.isNull())) {
                throw whole.error("config file is empty; it needs at least model, output and data.train");
            }
            if (!(root instanceof MapNode map)) {
                throw root.origin().error("the top level must be a mapping of keys (model, output, data, lora,"
                        + " train), got " + describe(root));
            }
            if (p.nextToken() != null) {
                throw new Origin(source, line(p.currentTokenLocation()))
                        .error("holds more than one YAML document; keep a single one");
            }
            return map;
        } catch (JacksonException e) {
            JsonLocation loc = e.getLocation();
            throw new Origin(source, loc == null ? 0 : line(loc))
                    .error("not valid " + formatName(file) + ": " + parserProblem(e));
        } catch (IOException e) {
            throw whole.error("cannot read config file: " + oneLine(e.getMessage()));
        }
    }

    /** Applies one {@code key.path=value} override; the value is read as YAML (scalar or [flow, list]). */
    static void applyOverride(MapNode root, String assignment) {
        String source = "--set " + assignment;
        Origin origin = new Origin(source, 0);
        int eq = assignment.indexOf('=');
        String key = eq < 0 ? "" : assignment.substring(0, eq).strip();
        String[] parts = key.split("\\.", -1);
        if (eq < 0 || key.isEmpty() || List.of(parts).stream().anyMatch(String::isBlank)) {
            throw origin.error("expected --set key.path=value, e.g. --set train.lr=1e-4");
        }
        if (assignment.substring(eq + 1).isBlank()) {
            LoggerFactory.getLogger(ConfigTree.class).warn("{}: the value is empty, which unsets {} (its default applies); quote it"
                    + " (--set '{}=\"\"') to set an empty string", source, key, key);
        }
        Node value = parseValue(key, assignment.substring(eq + 1), origin);
        MapNode current = root;
        for (int i = 0; i < parts.length - 1; i++) {
            String prefix = String.join(".", List.of(parts).subList(0, i + 1));
            Entry e = current.entries().get(parts[i]);
            if (ConfigSchema.isValueKey(prefix)) throw notASection(origin, prefix, key);
            if (e == null || (e.value() instanceof Scalar s && s.isNull())) {
                MapNode created = new MapNode(new LinkedHashMap<>(), origin);
                current.entries().put(parts[i], new Entry(parts[i], origin, created));
                current = created;
            } else if (e.value() instanceof MapNode m) {
                current = m;
            } else {
                throw notASection(origin, prefix, key);
            }
        }
        String last = parts[parts.length - 1];
        current.entries().put(last, new Entry(last, origin, value));
    }

    private static InputError notASection(Origin origin, String prefix, String key) {
        return origin.error("'" + prefix + "' holds a value, not a section of keys, so '" + key + "' cannot be set");
    }

    /** The entry at a dotted key such as {@code train.lr}, if every level of it is present. */
    static Optional<Entry> find(MapNode root, String dottedKey) {
        String[] parts = dottedKey.split("\\.");
        Node node = root;
        Entry entry = null;
        for (String part : parts) {
            if (!(node instanceof MapNode m) || (entry = m.entries().get(part)) == null) return Optional.empty();
            node = entry.value();
        }
        return Optional.ofNullable(entry);
    }

    /** A short, user-facing description of a value for "got ..." messages. */
    static String describe(Node node) {
        if (node instanceof MapNode) return "a section of keys";
        if (node instanceof ListNode l) return "a list of " + l.items().size();
        Scalar s = (Scalar) node;
        return switch (s.token()) {
            case VALUE_STRING -> "the string '" + s.text() + "'";
            case VALUE_NULL -> "nothing (null)";
            case VALUE_TRUE, VALUE_FALSE -> "the boolean " + s.text();
            default -> "the number " + s.text();
        };
    }

    private static Node parseValue(String key, String text, Origin origin) {
        if (text.isBlank()) return new Scalar(JsonToken.VALUE_NULL, "", null, origin);
        try (JsonParser p = new YAMLFactory().createParser(text)) {
            if (p.nextToken() == null) {
                throw origin.error("the value '" + text + "' is empty once read as YAML (a '#' starts a comment);"
                        + " quote it, e.g. --set '" + key + "=\"" + text.strip() + "\"', or give nothing after '=' to unset it");
            }
            return read(p, origin.source(), null);
        } catch (JacksonException e) {
            throw origin.error("cannot read the value '" + text + "' as YAML: " + parserProblem(e));
        } catch (IOException e) {
            throw new IllegalStateException("reading from a string", e);
        }
    }

    /**
     * Reads the value at the parser's current token. path is the dotted key of that value, used for
     * duplicate-key messages; lines are taken from the parser unless lineless (a --set value: path null).
     */
    private static Node read(JsonParser p, String source, String path) throws IOException {
        Origin origin = new Origin(source, path == null ? 0 : line(p.currentTokenLocation()));
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            Map<String, Entry> entries = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                Origin keyOrigin = new Origin(source, path == null ? 0 : line(p.currentTokenLocation()));
                requireCharacters(key, keyOrigin, "a key");
                String childPath = path == null ? null : path.isEmpty() ? key : path + "." + key;
                p.nextToken();
                Entry previous = entries.put(key, new Entry(key, keyOrigin, read(p, source, childPath)));
                if (previous != null) {
                    throw keyOrigin.error("duplicate key '" + (childPath == null ? key : childPath)
                            + "' (first on line " + previous.keyOrigin().line() + "); keep only one");
                }
            }
            return new MapNode(entries, origin);
        }
        if (t == JsonToken.START_ARRAY) {
            List<Node> items = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) items.add(read(p, source, path));
            return new ListNode(List.copyOf(items), origin);
        }
        Number number = null;
        if (t.isNumeric()) {
            try {
                number = p.getNumberValue();
            } catch (JacksonException unreadable) {
                number = null; // .inf / .nan: kept as text, rejected where a number is needed
            }
        }
        return new Scalar(t, requireCharacters(p.getText(), origin, path == null || path.isEmpty() ? "a value" : path), number,
                origin);
    }

    /**
     * JSON's \\uD800-style escapes can leave half of a surrogate pair, which is no character: it cannot be
     * a path, and the config saved beside the run would silently hold '?' instead.
     */
    private static String requireCharacters(String text, Origin origin, String what) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) ? i + 1 < text.length() && Character.isLowSurrogate(text.charAt(++i))
                    : !Character.isLowSurrogate(c);
            if (!paired) {
                throw origin.error(what + " '" + text.replaceAll("[\\uD800-\\uDFFF]", "?") + "' holds half of a UTF-16 surrogate"
                        + " pair (a lone \\uD800-\\uDFFF escape), which is not a character");
            }
        }
        return text;
    }

    private static JsonFactory factoryFor(Path file, Origin whole) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".yaml") || name.endsWith(".yml")) return new YAMLFactory();
        if (name.endsWith(".json")) {
            return JsonFactory.builder().enable(JsonReadFeature.ALLOW_JAVA_COMMENTS).build();
        }
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "no extension" : "extension '" + name.substring(dot) + "'";
        throw whole.error("unsupported config format (" + ext + "); name the file *.yaml, *.yml or *.json");
    }

    private static String formatName(Path file) {
        return file.toString().toLowerCase(Locale.ROOT).endsWith(".json") ? "JSON" : "YAML";
    }

    private static int line(JsonLocation loc) {
        return Math.max(0, loc.getLineNr());
    }

    /**
     * The parser's complaint without SnakeYAML's multi-line source excerpt: "expected ',' or ']', but got
     * <stream end> (while parsing a flow sequence from line 6)".
     */
    private static String parserProblem(JacksonException e) {
        if (e.getCause() instanceof MarkedYAMLException m && m.getProblem() != null) {
            String context = m.getContext() == null ? ""
                    : " (" + m.getContext() + (m.getContextMark() == null ? ""
                    : " from line " + (m.getContextMark().getLine() + 1)) + ")";
            return oneLine(m.getProblem() + context);
        }
        return JsonProblems.describe(e);
    }

    /** The CLI prints errors on one line; parser messages (SnakeYAML's above all) span several. */
    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
