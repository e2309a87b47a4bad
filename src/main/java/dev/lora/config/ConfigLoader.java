package dev.lora.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lora.config.ConfigKey.Kind;
import dev.lora.config.ConfigTree.MapNode;
import dev.lora.config.ConfigTree.Origin;
import dev.lora.io.InputError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * Loads a run config from YAML (.yaml, .yml) or JSON (.json), applies {@code --set key.path=value}
 * overrides, rejects unknown keys, fills in defaults and checks ranges. Every problem is an
 * {@link InputError} naming the file (or --set argument), the line, the key and the fix.
 *
 * <p>Relative paths (output, data.train, data.valid, lora.init, and model when it names an existing
 * folder) are resolved against the current working directory, as HF Trainer and torchtune do, and stored
 * absolute, so the saved OUTPUT/config.yaml means the same thing wherever it is loaded from. A model that
 * is not an existing folder is kept as given: a hub id such as {@code gpt2-medium}.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    public static RunConfig load(Path file) {
        return load(file, List.of());
    }

    /**
     * @param overrides {@code key.path=value} strings applied in order after the file is read; values are
     *                  YAML scalars or flow lists ({@code train.lr=1e-4}, {@code lora.targets=[q,k,v]}),
     *                  an empty value ({@code lora.init=}) unsets an optional key
     */
    public static RunConfig load(Path file, List<String> overrides) {
        MapNode root = ConfigTree.parseFile(file);
        for (String o : overrides) ConfigTree.applyOverride(root, o);
        ConfigSchema.rejectUnknownKeys(root);
        return bind(root, new Origin(file.toString(), 0));
    }

    /** The key table's defaults read into a record, as a config that sets none of that record's keys would be. */
    static <R extends Record> R defaults(Class<R> type) {
        String section = ConfigKeys.SECTIONS.entrySet().stream().filter(e -> e.getValue() == type)
                .map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(type.getSimpleName() + " is not a config section"));
        MapNode empty = new MapNode(new LinkedHashMap<>(), DEFAULTS_ORIGIN);
        Section none = Section.root(empty, DEFAULTS_ORIGIN).section(section);
        return RecordValues.build(type, values(section, none, DEFAULTS.section(section), empty, DEFAULTS_ORIGIN));
    }

    private static final Origin DEFAULTS_ORIGIN = new Origin("the key table's defaults", 0);

    /** Every default, as the tree a config file writing them all out would give. */
    private static final Section DEFAULTS = Section.root(defaultsTree(), DEFAULTS_ORIGIN);

    private static MapNode defaultsTree() {
        MapNode root = new MapNode(new LinkedHashMap<>(), DEFAULTS_ORIGIN);
        for (ConfigKey k : ConfigKeys.ALL) k.dflt().ifPresent(d -> ConfigTree.applyOverride(root, k.path() + "=" + d));
        return root;
    }

    private static RunConfig bind(MapNode root, Origin file) {
        Section top = Section.root(root, file);
        Map<String, Object> run = values("", top, DEFAULTS, root, file);
        for (String name : ConfigKeys.sectionNames()) {
            Map<String, Object> values = values(name, top.section(name), DEFAULTS.section(name), root, file);
            run.put(name, located(root, file, () -> RecordValues.build(ConfigKeys.SECTIONS.get(name), values)));
        }
        RunConfig config = located(root, file, () -> RecordValues.build(RunConfig.class, run));
        nPositionsOf(config.model()).ifPresent(n -> located(root, file, () -> {
            config.requireMaxSeqLenWithin(n);
            return config;
        }));
        return config;
    }

    /**
     * A section's keys, in table order, as record component name -> value: the user's value, else the default;
     * paths resolved; optional keys as Optional (OptionalInt for integers); NUMBERS spread over their components.
     */
    private static Map<String, Object> values(String section, Section user, Section defaults, MapNode root,
                                              Origin file) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (ConfigKey k : ConfigKeys.in(section)) {
            Optional<Object> read = user.read(k);
            if (read.isEmpty()) read = defaults.read(k);
            if (read.isEmpty() && k.required()) throw user.missing(k);
            Object value = read.map(v -> switch (k.kind()) {
                case MODEL -> resolveModel((String) v);
                case PATH -> resolve(root, file, k.path(), (String) v);
                default -> v;
            }).orElse(null);
            if (k.optional()) {
                value = k.kind() == Kind.INT ? (value == null ? OptionalInt.empty() : OptionalInt.of((Integer) value))
                        : Optional.ofNullable(value);
            }
            if (k.kind() == Kind.NUMBERS) {
                double[] numbers = (double[]) value;
                for (int i = 0; i < numbers.length; i++) out.put(k.components().get(i), numbers[i]);
            } else {
                out.put(k.components().get(0), value);
            }
        }
        return out;
    }

    /**
     * n_positions from a local model folder's config.json, so that a data.max_seq_len the model cannot take
     * is reported at its line of the config; empty for a hub id or an unreadable file (the trainer checks
     * again once the model is loaded, and the model loader reports a bad config.json).
     */
    private static OptionalInt nPositionsOf(String model) {
        try {
            Path config = Path.of(model, "config.json");
            if (!Files.isRegularFile(config)) return OptionalInt.empty();
            JsonNode n = new ObjectMapper().readTree(config.toFile()).path("n_positions");
            return n.isInt() && n.intValue() > 0 ? OptionalInt.of(n.intValue()) : OptionalInt.empty();
        } catch (IOException | InvalidPathException e) {
            return OptionalInt.empty();
        }
    }

    /** Runs a record constructor, pinning a range error on the line (or --set) its key came from. */
    private static <T> T located(MapNode root, Origin file, Supplier<T> build) {
        try {
            return build.get();
        } catch (ConfigValueError e) {
            throw originOf(root, file, e.key()).error(e.getMessage());
        }
    }

    private static Origin originOf(MapNode root, Origin file, String key) {
        return ConfigTree.find(root, key).map(ConfigTree.Entry::keyOrigin).orElse(file);
    }

    private static Path resolve(MapNode root, Origin file, String key, String text) {
        if (text.isBlank()) throw originOf(root, file, key).error(key + " must not be empty; give a path");
        try {
            return Path.of(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw originOf(root, file, key).error(key + " = '" + text + "' is not a valid path: " + e.getReason());
        }
    }

    /** An existing folder becomes an absolute path; anything else is a hub id and stays as written. */
    private static String resolveModel(String text) {
        try {
            Path p = Path.of(text);
            if (!text.isBlank() && Files.isDirectory(p)) return p.toAbsolutePath().normalize().toString();
        } catch (InvalidPathException notAPath) {
            // cannot be a folder, so it is meant as a hub id
        }
        return text;
    }
}
