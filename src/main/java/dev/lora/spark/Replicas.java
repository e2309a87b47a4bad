package dev.lora.spark;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * The models an executor JVM has loaded, kept between tasks: a step's task must not read the base model from disk
 * again (GPT-2 small: ~0.5 GB, seconds). A replica is lent to one task at a time (it holds its activations and
 * gradients, so two concurrent tasks cannot share one); weights that no task writes are shared by all replicas
 * ({@link #shared}), so the JVM holds the base model once. This is the one piece of process-wide state in the tool,
 * and it is a cache: a task's result never depends on whether its model was cached.
 */
final class Replicas {
    private static final Map<Object, Queue<Object>> POOLS = new ConcurrentHashMap<>();
    private static final Map<Object, Object> SHARED = new ConcurrentHashMap<>();

    private Replicas() {
    }

    /** A model lent to one task; closing it gives it back for the next task with the same key. */
    static final class Lease<V> implements AutoCloseable {
        private final Object key;
        private final V model;

        private Lease(Object key, V model) {
            this.key = key;
            this.model = model;
        }

        V model() {
            return model;
        }

        @Override
        public void close() {
            POOLS.get(key).add(model);
        }
    }

    /** A free replica for {@code key}, loaded with {@code load} when every one loaded so far is in use. */
    @SuppressWarnings("unchecked")
    static <K, V> Lease<V> borrow(K key, Function<K, V> load) {
        Queue<Object> pool = POOLS.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>());
        Object free = pool.poll();
        return new Lease<>(key, free != null ? (V) free : load.apply(key));
    }

    /** The one value for {@code key} in this JVM, loaded by the first caller (the others wait for it). */
    @SuppressWarnings("unchecked")
    static <K, V> V shared(K key, Function<K, V> load) {
        return (V) SHARED.computeIfAbsent(key, k -> load.apply(key));
    }

    /** Drops every cached model (the driver calls it when its Spark context stops, for local masters). */
    static void clear() {
        POOLS.clear();
        SHARED.clear();
    }
}
