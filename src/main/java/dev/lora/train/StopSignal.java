package dev.lora.train;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns Ctrl-C (SIGINT) into a request the training loop sees between steps, so it can save a
 * checkpoint and exit 130 instead of dying mid-step. A second Ctrl-C is left to the JVM (immediate exit).
 */
final class StopSignal implements AutoCloseable {
    private final AtomicBoolean requested = new AtomicBoolean();
    private SignalHandler previous;

    StopSignal() {
        try {
            previous = Signal.handle(new Signal("INT"), s -> {
                if (requested.getAndSet(true)) Runtime.getRuntime().halt(130);
                System.err.println();
                System.err.println("Interrupted: saving a checkpoint after this step (Ctrl-C again to quit now).");
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            previous = null; // no signal support here: Ctrl-C then ends the JVM as usual
        }
    }

    boolean requested() {
        return requested.get();
    }

    /** For tests: behave as if Ctrl-C had been pressed. */
    void request() {
        requested.set(true);
    }

    @Override
    public void close() {
        if (previous != null) Signal.handle(new Signal("INT"), previous);
    }
}
