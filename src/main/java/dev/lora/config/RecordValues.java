package dev.lora.config;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds and reads the config records by component name, so that the key table, not a positional argument
 * list, says which value goes where. The records' own constructors still run, checks included.
 */
final class RecordValues {
    private RecordValues() {
    }

    /** A record from its components by name; every component must be given. */
    static <R extends Record> R build(Class<R> type, Map<String, Object> byName) {
        RecordComponent[] cs = type.getRecordComponents();
        Object[] args = new Object[cs.length];
        for (int i = 0; i < cs.length; i++) {
            if (!byName.containsKey(cs[i].getName())) {
                throw new IllegalStateException(type.getSimpleName() + "." + cs[i].getName() + " has no value");
            }
            args[i] = byName.get(cs[i].getName());
        }
        if (byName.size() != cs.length) {
            throw new IllegalStateException(type.getSimpleName() + " has no component among " + byName.keySet());
        }
        try {
            return type.getDeclaredConstructor(Arrays.stream(cs).map(RecordComponent::getType).toArray(Class[]::new))
                    .newInstance(args);
        } catch (InvocationTargetException e) {
            // The constructor's own check (a ConfigValueError) reaches the caller as itself.
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
        }
    }

    /** The same record with some components replaced, by name: {@code with(DEFAULTS, Map.of("lr", 1e-4))}. */
    @SuppressWarnings("unchecked")
    static <R extends Record> R with(R record, Map<String, Object> changes) {
        Map<String, Object> all = new HashMap<>(valuesOf(record));
        for (String name : changes.keySet()) {
            if (!all.containsKey(name)) {
                throw new IllegalArgumentException(record.getClass().getSimpleName() + " has no component " + name);
            }
        }
        all.putAll(changes);
        return build((Class<R>) record.getClass(), all);
    }

    static Object get(Record record, String component) {
        Object v = valuesOf(record).get(component);
        if (v == null) throw new IllegalArgumentException(record.getClass().getSimpleName() + " has no component " + component);
        return v;
    }

    private static Map<String, Object> valuesOf(Record record) {
        Map<String, Object> out = new HashMap<>();
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            try {
                out.put(c.getName(), c.getAccessor().invoke(record));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + c.getName(), e);
            }
        }
        return out;
    }
}
