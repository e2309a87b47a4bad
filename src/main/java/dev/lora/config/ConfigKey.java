package dev.lora.config;

import java.util.List;
import java.util.Optional;

/**
 * One row of the key table: where the key sits, how its value is read and written, its default (as the YAML
 * text a user would write, read by the same code as a user's value), whether it shapes the run's numbers,
 * and its line in docs/config.md.
 *
 * @param path       dotted key, {@code train.lr}
 * @param kind       how the value is typed, read and written
 * @param components the record components the value fills, in order (one, or two for {@code train.betas})
 * @param dflt       the default as YAML text; empty for a required or an optional key
 * @param example    for a required key, the example its "missing" message gives; else empty
 * @param choices    for CHOICE and CHOICES, the enum whose lower-case names are allowed; else null
 * @param shapesRun  whether a resumed run must have the same value (the checkpoint's fingerprint holds it)
 * @param doc        the meaning column of docs/config.md
 */
record ConfigKey(String path, Kind kind, List<String> components, Optional<String> dflt, Optional<String> example,
                 Class<? extends Enum<?>> choices, boolean shapesRun, String doc) {

    /** The value types the table uses. */
    enum Kind {
        /** A local model folder (made absolute) or a hub id (kept as written). */
        MODEL,
        /** A path, made absolute against the working directory. */
        PATH,
        INT,
        LONG,
        NUMBER,
        BOOL,
        /** One of an enum's lower-case names. */
        CHOICE,
        /** A flow list of an enum's names, {@code [q, v]}. */
        CHOICES,
        /** A fixed-length list of numbers, one per component, {@code [0.9, 0.999]}. */
        NUMBERS
    }

    ConfigKey {
        components = List.copyOf(components);
        if (components.isEmpty()) throw new IllegalArgumentException(path + ": no record component");
        if ((kind == Kind.CHOICE || kind == Kind.CHOICES) != (choices != null)) {
            throw new IllegalArgumentException(path + ": choices go with CHOICE and CHOICES only");
        }
    }

    /** "" for a top-level key. */
    String section() {
        int dot = path.indexOf('.');
        return dot < 0 ? "" : path.substring(0, dot);
    }

    String name() {
        return path.substring(path.indexOf('.') + 1);
    }

    boolean required() {
        return example.isPresent();
    }

    /** Neither required nor defaulted: the record holds an Optional (or OptionalInt). */
    boolean optional() {
        return dflt.isEmpty() && example.isEmpty();
    }

    ConfigKey neutral() {
        return new ConfigKey(path, kind, components, dflt, example, choices, false, doc);
    }

    /** The key's row of docs/config.md. */
    String docRow() {
        String shown = required() ? "required" : optional() ? "none"
                : switch (kind) {
                    case CHOICE, CHOICES, NUMBERS -> "`" + dflt.get() + "`";
                    default -> dflt.get();
                };
        return "| `" + path + "` | " + shown + " | " + doc + " |";
    }
}
