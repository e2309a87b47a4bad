package dev.lora.reliability;

import dev.lora.io.InputError;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Feeds a reader seeded random mutants of valid files. A case passes when the reader returns or throws
 * an {@link InputError} (what the CLI turns into one line and exit 2); any other exception or error
 * (OutOfMemoryError included), a case running past the time limit, or one allocating far more than its
 * input could justify (a header claiming a 2^40-element tensor must be refused, not allocated) fails.
 *
 * <p>Every case is a function of (seed, case number): a failure prints both, and
 * {@code -Dfuzz.seed=S -Dfuzz.case=K} replays that one case; {@code -Dfuzz.cases=N} runs more (or fewer).
 * Failing inputs are also saved under target/fuzz-failures/.
 */
final class Fuzz {
    private static final long DEFAULT_SEED = 0x10_4A_2024L;
    private static final long TIME_LIMIT_MS = 10_000;
    private static final int MAX_REPORTED = 8;

    private Fuzz() {
    }

    /** A mutated input and how it was made, for the failure report. */
    record Mutant(byte[] bytes, String how) {
    }

    @FunctionalInterface
    interface Mutator {
        Mutant mutate(Random rng);
    }

    @FunctionalInterface
    interface Reader {
        /** Reads the file; may check properties of what it read (throwing AssertionError). */
        void read(Path file, Random rng) throws Exception;
    }

    /** Outcome counts, for the log and for tests that want the mutants to reach deep enough. */
    record Stats(String name, long seed, int cases, int accepted, int rejected, long slowestMs) {
        /**
         * Fails unless more than {@code share} of the cases were read without error: mutants that all die at
         * the first check would leave the rest of the reader untested. Not checked on a replay of a few cases.
         */
        void requireAccepted(double share) {
            if (cases >= 100 && accepted <= cases * share) {
                throw new AssertionError(this + ": fewer than " + share * 100 + "% read; the mutations are too destructive");
            }
        }

        @Override
        public String toString() {
            return String.format("%s: %d cases (seed %d): %d read, %d rejected with InputError, slowest %d ms",
                    name, cases, seed, accepted, rejected, slowestMs);
        }
    }

    static long seed() {
        return Long.getLong("fuzz.seed", DEFAULT_SEED);
    }

    /**
     * Runs {@code defaultCases} cases (or -Dfuzz.cases, or only -Dfuzz.case) of {@code reader} on mutants
     * written to a file named {@code fileName}, allowing each at most {@code allocationFactor} times the
     * mutant's size plus 16 MB of heap allocation.
     */
    static Stats run(String name, int defaultCases, String fileName, Mutator mutator, Reader reader, long allocationFactor)
            throws IOException {
        long seed = seed();
        Integer only = Integer.getInteger("fuzz.case");
        int cases = Integer.getInteger("fuzz.cases", defaultCases);
        Path dir = scratchDir();
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-" + name);
            t.setDaemon(true); // a hung case must not keep the test JVM alive
            return t;
        });
        Map<String, String> failures = new LinkedHashMap<>();
        int accepted = 0, rejected = 0, run = 0;
        long slowest = 0;
        try {
            for (int k = only != null ? only : 0; k < (only != null ? only + 1 : cases); k++) {
                Random rng = new Random(mix(seed, k));
                Mutant m = mutator.mutate(rng);
                Path file = dir.resolve(fileName);
                Files.write(file, m.bytes());
                long limit = allocationFactor * m.bytes().length + (16L << 20);
                long t0 = System.nanoTime();
                Future<Outcome> f = worker.submit(() -> attempt(reader, file, rng));
                Outcome o;
                try {
                    o = f.get(TIME_LIMIT_MS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    String where = stackOf();
                    failures.put("hang", report(name, seed, k, m, "no result after " + TIME_LIMIT_MS + " ms; worker at:\n" + where));
                    save(name, seed, k, fileName, m);
                    break; // the worker is stuck: no further case can run on it
                } catch (ExecutionException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                run++;
                slowest = Math.max(slowest, (System.nanoTime() - t0) / 1_000_000);
                String problem = null;
                if (o.error() != null && !(o.error() instanceof InputError)) {
                    problem = stackTrace(o.error());
                } else if (o.error() instanceof InputError ie && (ie.getMessage() == null || ie.getMessage().isBlank())) {
                    problem = "InputError without a message";
                } else if (o.allocated() > limit) {
                    problem = "allocated " + o.allocated() / (1 << 20) + " MB for a " + m.bytes().length + "-byte input";
                }
                if (problem != null) {
                    String key = o.error() == null ? "allocation" : signature(o.error());
                    if (!failures.containsKey(key)) {
                        failures.put(key, report(name, seed, k, m, problem));
                        save(name, seed, k, fileName, m);
                    }
                    if (failures.size() >= MAX_REPORTED) break;
                } else if (o.error() == null) {
                    accepted++;
                } else {
                    rejected++;
                }
            }
        } finally {
            worker.shutdownNow();
            Scratch.delete(dir);
        }
        Stats stats = new Stats(name, seed, run, accepted, rejected, slowest);
        System.out.println(stats);
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " kind(s) of failure in " + stats + ":\n\n"
                    + String.join("\n\n", failures.values()));
        }
        return stats;
    }

    /** In memory where Linux offers it: rewriting a file on a plain disk costs about 1 ms, most of a case. */
    private static Path scratchDir() throws IOException {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "lora-fuzz-")
                : Files.createTempDirectory("lora-fuzz-");
    }

    private record Outcome(Throwable error, long allocated) {
    }

    private static Outcome attempt(Reader reader, Path file, Random rng) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        Throwable error = null;
        try {
            reader.read(file, rng);
        } catch (Throwable t) { // OutOfMemoryError and StackOverflowError are findings too
            error = t;
        }
        return new Outcome(error, threads.getCurrentThreadAllocatedBytes() - before);
    }

    /** SplitMix64 of (seed, case): independent streams, so any one case can be replayed alone. */
    static long mix(long seed, long k) {
        long z = seed + 0x9E3779B97F4A7C15L * (k + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Exception class and the first frame in lora's code: one report per distinct bug. */
    private static String signature(Throwable t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith("dev.lora.") && !e.getClassName().startsWith("dev.lora.reliability.")) {
                return t.getClass().getName() + "@" + e;
            }
        }
        return t.getClass().getName() + "@" + (t.getStackTrace().length > 0 ? t.getStackTrace()[0] : "?");
    }

    private static String report(String name, long seed, int k, Mutant m, String problem) {
        return name + " seed " + seed + " case " + k + " (" + m.how() + ", " + m.bytes().length + " bytes)\n"
                + "  replay: -Dfuzz.seed=" + seed + " -Dfuzz.case=" + k + "\n  " + problem.replace("\n", "\n  ");
    }

    private static void save(String name, long seed, int k, String fileName, Mutant m) {
        try {
            Path dir = Scratch.REPO.resolve("target/fuzz-failures");
            Files.createDirectories(dir);
            Files.write(dir.resolve(name + "-" + seed + "-" + k + "-" + fileName), m.bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first frames, then lora's own (a StackOverflowError's first thousand frames are all the same). */
    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        String[] lines = w.toString().split("\n");
        List<String> out = new ArrayList<>(Arrays.asList(lines).subList(0, Math.min(lines.length, 12)));
        for (int i = 12; i < lines.length && out.size() < 30; i++) {
            if (lines[i].contains("dev.lora.") || lines[i].startsWith("Caused by")) out.add(lines[i]);
        }
        return String.join("\n", out);
    }

    private static String stackOf() {
        List<String> out = new ArrayList<>();
        Thread.getAllStackTraces().forEach((t, frames) -> {
            if (t.getName().startsWith("fuzz-")) {
                for (int i = 0; i < Math.min(frames.length, 25); i++) out.add("    at " + frames[i]);
            }
        });
        return String.join("\n", out);
    }
}
