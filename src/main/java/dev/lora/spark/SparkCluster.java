package dev.lora.spark;

import dev.lora.io.InputError;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Connects to the Spark master a user names with {@code --spark}: {@code local[N]}, {@code spark://host:port},
 * {@code yarn} or {@code k8s://...}. Checks what can be checked before Spark starts (the master's form; that a
 * standalone master answers), so a typo or a down master is one line, not minutes of Spark retrying.
 */
public final class SparkCluster {
    /** Spark retries a failed task 4 times on a cluster (spark.task.maxFailures); local[N] alone would not retry. */
    static final int TASK_ATTEMPTS = 4;
    private static final Pattern LOCAL = Pattern.compile("local(\\[(\\d+|\\*)(,\\s*(\\d+))?])?");
    private static final Pattern STANDALONE = Pattern.compile("spark://([^:/,]+):(\\d+)");
    private static final int CONNECT_TIMEOUT_MS = 5000;

    private SparkCluster() {
    }

    /** Starts a Spark context on {@code master} for application {@code app}. */
    public static JavaSparkContext connect(String master, String app) {
        String resolved = resolve(master);
        SparkConf conf = new SparkConf().setMaster(resolved).setAppName(app)
                .set("spark.ui.showConsoleProgress", "false")
                .set("spark.task.maxFailures", String.valueOf(TASK_ATTEMPTS));
        if (resolved.startsWith("local")) {
            // One machine: nothing to serve to others, and binding to the host's name fails on machines without one.
            conf.set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        } else if (!conf.contains("spark.jars") && System.getProperty("spark.jars") == null) {
            // Started by the lora launcher rather than spark-submit: executors fetch this class path from the driver.
            conf.setJars(classPathJars());
        }
        try {
            JavaSparkContext context = new JavaSparkContext(conf);
            context.sc().addSparkListener(new TaskFailureLog(attempts(resolved)));
            return context;
        } catch (Exception e) { // Spark throws checked exceptions undeclared
            throw new InputError("--spark " + master + ": Spark could not start: " + rootMessage(e), e);
        }
    }

    /** The master Spark is given: local[N] gains retries as a cluster has; a standalone master must answer. */
    static String resolve(String master) {
        String m = master.strip();
        Matcher local = LOCAL.matcher(m);
        if (local.matches()) {
            String threads = local.group(2) == null ? "1" : local.group(2);
            if ("0".equals(threads)) throw new InputError("--spark " + master + ": local[N] needs N >= 1 worker threads");
            return "local[" + threads + "," + (local.group(4) == null ? TASK_ATTEMPTS : local.group(4)) + "]";
        }
        if (m.startsWith("spark://")) {
            for (String hostPort : m.substring("spark://".length()).split(",")) {
                Matcher s = STANDALONE.matcher("spark://" + hostPort);
                if (!s.matches()) throw new InputError("--spark " + master + ": a standalone master is spark://HOST:PORT, e.g. spark://node1:7077");
                requireReachable(master, s.group(1), Integer.parseInt(s.group(2)));
            }
            return m;
        }
        if (m.equals("yarn") || m.startsWith("k8s://")) return m;
        throw new InputError("--spark " + master + ": unknown master; use local[N] (this machine, N threads), spark://HOST:PORT,"
                + " yarn or k8s://https://HOST:PORT");
    }

    /** Attempts per task: local[N,F]'s F, else spark.task.maxFailures as set above. */
    static int attempts(String resolvedMaster) {
        Matcher local = LOCAL.matcher(resolvedMaster);
        return local.matches() && local.group(4) != null ? Integer.parseInt(local.group(4)) : TASK_ATTEMPTS;
    }

    private static void requireReachable(String master, String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
        } catch (IOException e) {
            throw new InputError("--spark " + master + ": cannot reach the Spark master at " + host + ":" + port + " ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + "); check that it runs (sbin/start-master.sh) and the host and port in --spark", e);
        }
    }

    private static String[] classPathJars() {
        List<String> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            // Spark's own jars are on every node already.
            if (entry.endsWith(".jar") && !entry.contains(File.separator + "spark-lib" + File.separator)) jars.add(entry);
        }
        return jars.toArray(String[]::new);
    }

    /**
     * The error to show for a failed Spark job: an InputError raised in a task (a model missing on an executor, say)
     * as it was raised; a context the cluster stopped (executors that could not start, an application the master
     * removed) as one line pointing at the cluster's logs; anything else as an internal error.
     */
    static RuntimeException explain(JavaSparkContext spark, String what, Exception e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InputError ie) return new InputError("on a Spark executor, " + what + ": " + ie.getMessage(), e);
        }
        if (spark.sc().isStopped()) {
            return new InputError("--spark " + spark.master() + ": the cluster stopped this application during " + what
                    + "; its master's and workers' logs say why (e.g. executors that could not start)", e);
        }
        return new IllegalStateException("Spark job for " + what + " failed: " + rootMessage(e), e);
    }

    /** Runs a Spark job for {@code what}, its failure explained as {@link #explain} does. */
    static <T> T job(JavaSparkContext spark, String what, Callable<T> job) {
        try {
            return job.call();
        } catch (Exception e) { // Spark throws its checked SparkException undeclared
            throw explain(spark, what, e);
        }
    }

    /** Stops the context; for a local master its executors were this JVM's threads, and their models go with it. */
    static void stop(JavaSparkContext spark) {
        boolean local = spark.isLocal();
        spark.stop();
        if (local) Replicas.clear();
    }

    /**
     * The base model as executors should find it: {@code override} (--spark-model) when given; else the driver's
     * folder when the user named a folder (absolute: executors have other working folders); else the hub id.
     */
    static String executorModel(String override, String named, Path resolved) {
        if (override != null) return override;
        return Files.isDirectory(Path.of(named)) ? resolved.toAbsolutePath().toString() : named;
    }

    /** The innermost cause's message, its first line only (Spark appends stack traces to some messages). */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.strip().split("\n", 2)[0];
    }
}
