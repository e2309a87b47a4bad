package dev.lora.train;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns Ctrl-C (SIGINT) and SIGTERM (what SLURM, Kubernetes, docker stop and systemd send) into a request the
 * training loop sees between steps, so it can save a checkpoint and exit 128 + the signal's number (130, 143)
 * instead of dying mid-step. A second signal is left to end the JVM at once.
 */
final class StopSignal implements AutoCloseable {
    private static final Map<String, Integer> SIGNALS = Map.of("INT", 2, "TERM", 15);
    private final AtomicInteger received = new AtomicInteger();
    private final Map<String, SignalHandler> previous = new LinkedHashMap<>();

    StopSignal() {
        SIGNALS.forEach((name, number) -> {
            try {
                previous.put(name, Signal.handle(new Signal(name), s -> {
                    if (received.getAndSet(number) != 0) Runtime.getRuntime().halt(128 + number);
                    System.err.println();
                    System.err.println("SIG" + name + ": saving a checkpoint after this step (send it again to quit now).");
                }));
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // No support for this signal here: it then ends the JVM as usual.
            }
        });
    }

    boolean requested() {
        return received.get() != 0;
    }

    /** The exit status for the signal received: 128 + its number, as shells report it. */
    int exitStatus() {
        return 128 + received.get();
    }

    /** For tests: behave as if Ctrl-C had been pressed. */
    void request() {
        received.compareAndSet(0, SIGNALS.get("INT"));
    }

    @Override
    public void close() {
        previous.forEach((name, handler) -> Signal.handle(new Signal(name), handler));
    }
}
