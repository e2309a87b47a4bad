package dev.lora.config;

import com.fasterxml.jackson.core.JsonToken;
import dev.lora.config.ConfigTree.Entry;
import dev.lora.config.ConfigTree.ListNode;
import dev.lora.config.ConfigTree.MapNode;
import dev.lora.config.ConfigTree.Node;
import dev.lora.config.ConfigTree.Origin;
import dev.lora.config.ConfigTree.Scalar;
import dev.lora.io.InputError;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Typed reads of one level of the raw tree. An absent key, or one set to null, means "use the default";
 * a value of the wrong type fails with the key, its origin and the expected type. Quoted numbers and
 * booleans are accepted, as plain YAML 1.1 leaves some of them (1e-4) as strings anyway.
 *
 * @param name   the section's name, "" at the top level
 * @param map    its keys; null for an absent section, whose reads are all empty
 * @param origin where it starts, for "missing key" errors
 */
record Section(String name, MapNode map, Origin origin) {
    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9][0-9_]*");
    private static final Pattern DECIMAL =
            Pattern.compile("[-+]?([0-9][0-9_]*(\\.[0-9_]*)?|\\.[0-9][0-9_]*)([eE][-+]?[0-9]+)?");

    static Section root(MapNode root, Origin file) {
        return new Section("", root, file);
    }

    /** A sub-section; absent or null gives an empty section whose reads all return their defaults. */
    Section section(String key) {
        Optional<Entry> e = entry(key);
        if (e.isEmpty()) return new Section(key, null, origin);
        if (e.get().value() instanceof MapNode m) return new Section(key, m, e.get().keyOrigin());
        throw typeError(e.get(), "a section of keys (" + String.join(", ", ConfigSchema.keysAt(key)) + ")");
    }

    /**
     * The key's value as typed by its kind (a double[] for NUMBERS), or empty when it is absent or null. Paths
     * and model names come back as written; the loader resolves them.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    Optional<Object> read(ConfigKey k) {
        String key = k.name();
        Optional<Entry> found = entry(key);
        if (found.isEmpty()) return Optional.empty();
        Entry e = found.get();
        Class type = k.choices();
        String example = k.dflt().orElse("");
        return Optional.of(switch (k.kind()) {
            case MODEL, PATH -> text(e);
            case INT -> integer(e, 31).intValue();
            case LONG -> integer(e, 63).longValue();
            case NUMBER -> toDouble(e.value(), e.keyOrigin(), full(key));
            case BOOL -> bool(e);
            case CHOICE -> choice(e, type);
            case CHOICES -> choiceList(e, type, example);
            case NUMBERS -> numbers(e, k.components().size(), example);
        });
    }

    /** The error for a required key that is absent, naming the section to add it under and an example. */
    InputError missing(ConfigKey k) {
        String where = name.isEmpty() ? "" : " under " + name + ":";
        return origin.error("missing required key '" + k.path() + "'; add it" + where + ", e.g. " + k.name() + ": "
                + k.example().orElse("..."));
    }

    private String text(Entry e) {
        if (!(e.value() instanceof Scalar s)) throw typeError(e, "a string");
        return s.text();
    }

    private BigInteger integer(Entry e, int bits) {
        BigInteger v = bigInteger(e, "an integer");
        if (v.bitLength() > bits) throw e.keyOrigin().error(full(e.key()) + " = " + v + " is too large");
        return v;
    }

    private boolean bool(Entry e) {
        if (e.value() instanceof Scalar s) {
            if (s.token() == JsonToken.VALUE_TRUE || "true".equalsIgnoreCase(s.text())) return true;
            if (s.token() == JsonToken.VALUE_FALSE || "false".equalsIgnoreCase(s.text())) return false;
        }
        throw typeError(e, "true or false");
    }

    /** One of an enum's config names (lower-case constant names). */
    private <E extends Enum<E>> E choice(Entry e, Class<E> type) {
        if (!(e.value() instanceof Scalar s) || s.token() != JsonToken.VALUE_STRING) {
            throw typeError(e, "one of " + names(type));
        }
        return parseEnum(s, type, full(e.key()));
    }

    /** A list of enum config names, e.g. lora.targets: [q, v]; order kept, duplicates left to the record. */
    private <E extends Enum<E>> List<E> choiceList(Entry e, Class<E> type, String example) {
        if (!(e.value() instanceof ListNode list)) {
            throw typeError(e, "a list of " + names(type) + ", e.g. " + example);
        }
        List<E> out = new ArrayList<>();
        for (Node item : list.items()) {
            if (!(item instanceof Scalar s) || s.token() != JsonToken.VALUE_STRING) {
                throw item.origin().error(full(e.key()) + " must list names (" + names(type) + "), got "
                        + ConfigTree.describe(item));
            }
            out.add(parseEnum(s, type, full(e.key())));
        }
        return out;
    }

    /** Exactly n numbers, e.g. train.betas: [0.9, 0.999]. */
    private double[] numbers(Entry e, int n, String example) {
        String expected = "a list of " + n + " numbers, e.g. " + example;
        if (!(e.value() instanceof ListNode list)) throw typeError(e, expected);
        if (list.items().size() != n) throw typeError(e, expected);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            Node item = list.items().get(i);
            out[i] = toDouble(item, item.origin(), full(e.key()));
        }
        return out;
    }

    private Optional<Entry> entry(String key) {
        if (!ConfigSchema.keysAt(name).contains(key)) {
            throw new IllegalStateException("key '" + full(key) + "' is read but not in ConfigSchema");
        }
        if (map == null) return Optional.empty();
        Entry e = map.entries().get(key);
        if (e == null || (e.value() instanceof Scalar s && s.isNull())) return Optional.empty();
        return Optional.of(e);
    }

    private BigInteger bigInteger(Entry e, String expected) {
        if (e.value() instanceof Scalar s) {
            if (s.token() == JsonToken.VALUE_NUMBER_INT && s.number() != null) {
                return new BigInteger(s.number().toString());
            }
            if (s.token() == JsonToken.VALUE_STRING && INTEGER.matcher(s.text().strip()).matches()) {
                return new BigInteger(s.text().strip().replace("_", "").replace("+", ""));
            }
        }
        throw typeError(e, expected);
    }

    private double toDouble(Node node, Origin where, String fullKey) {
        if (node instanceof Scalar s) {
            if (s.token().isNumeric() && s.number() != null) return s.number().doubleValue();
            if (s.token() == JsonToken.VALUE_STRING && DECIMAL.matcher(s.text().strip()).matches()) {
                return Double.parseDouble(s.text().strip().replace("_", ""));
            }
        }
        throw where.error(fullKey + " must be a finite number, got " + ConfigTree.describe(node));
    }

    private <E extends Enum<E>> E parseEnum(Scalar s, Class<E> type, String fullKey) {
        if (type == ComputeDtype.class) {
            Optional<ComputeDtype> dtype = ComputeDtype.fromName(s.text());
            if (dtype.isPresent()) return type.cast(dtype.get());
        }
        for (E c : type.getEnumConstants()) {
            if (c.name().equalsIgnoreCase(s.text().strip())) return c;
        }
        String hint = KeySuggester.nearest(s.text().strip().toLowerCase(Locale.ROOT), nameList(type))
                .map(n -> "; did you mean '" + n + "'?").orElse("");
        throw s.origin().error(fullKey + ": '" + s.text() + "' is not allowed; use one of " + names(type) + hint);
    }

    private InputError typeError(Entry e, String expected) {
        return e.keyOrigin().error(full(e.key()) + " must be " + expected + ", got " + ConfigTree.describe(e.value()));
    }

    private String full(String key) {
        return ConfigSchema.fullKey(name, key);
    }

    private static <E extends Enum<E>> String names(Class<E> type) {
        return String.join(", ", nameList(type));
    }

    private static <E extends Enum<E>> List<String> nameList(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Section::configName).collect(Collectors.toList());
    }

    /** An enum constant as configs write it: its lower-case name (q, lora_only, float32). */
    static String configName(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
