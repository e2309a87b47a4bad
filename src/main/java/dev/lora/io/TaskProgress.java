package dev.lora.io;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Progress of a long task (training steps, generated contexts): a live bar with ETA on a terminal;
 * otherwise (CI, pipes) a plain line with the same fields every {@code logEvery} items and at the end.
 */
public final class TaskProgress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskProgress.class);
    private final String task;
    private final long total;
    private final long logEvery;
    private final ProgressBar bar;
    private final long startNanos = System.nanoTime();
    private final long start;

    public TaskProgress(String task, long start, long total, long logEvery, boolean terminal) {
        this.task = task;
        this.total = total;
        this.logEvery = Math.max(1, logEvery);
        this.start = start;
        this.bar = terminal ? new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).startsFrom(start, Duration.ZERO).build() : null;
    }

    /** Whether to draw a live bar: an interactive terminal, and not CI. */
    public static boolean isTerminal() {
        return System.console() != null && System.getenv("CI") == null;
    }

    /** {@code done} items finished; {@code extra} is shown beside the count (e.g. loss, lr, tokens/s). */
    public void update(long done, String extra) {
        if (bar != null) {
            bar.stepTo(done);
            bar.setExtraMessage(extra);
        } else if (done % logEvery == 0 || done == total) {
            LOG.info("{} {}/{} {} eta {}", task, done, total, extra, eta(done));
        }
    }

    public void message(String text) {
        LOG.info(text);
    }

    private String eta(long done) {
        long finished = done - start;
        if (finished <= 0) return "?";
        long seconds = (long) ((System.nanoTime() - startNanos) / 1e9 / finished * (total - done));
        return String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
