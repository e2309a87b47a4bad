package dev.lora.spark;

import org.apache.spark.ExceptionFailure;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per failed task attempt, in place of the stack traces Spark's scheduler and executors print
 * (logback.xml turns those off unless --verbose): Spark re-runs the task, and if it fails for good the job's
 * error is reported once, as the command's last line.
 */
final class TaskFailureLog extends SparkListener {
    private static final Logger LOG = LoggerFactory.getLogger(TaskFailureLog.class);
    private final int attempts;

    /** {@code attempts}: how many times Spark runs a task before failing the job. */
    TaskFailureLog(int attempts) {
        this.attempts = attempts;
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (!(end.reason() instanceof TaskFailedReason failed)) return;
        String why = failed instanceof ExceptionFailure e ? e.description() : failed.toErrorString();
        int attempt = end.taskInfo().attemptNumber() + 1;
        LOG.warn("Spark task {} failed (attempt {} of {}): {}{}", end.taskInfo().index(), attempt, attempts, oneLine(why),
                attempt < attempts ? "; Spark runs it again" : "");
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().split("\n", 2)[0];
    }
}
