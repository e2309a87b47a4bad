package dev.lora.train;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Training progress: a live bar (step/total, loss, lr, tokens/s, ETA) on a terminal; otherwise
 * (CI, pipes) one plain line every {@code log_every} steps with the same fields.
 */
final class Progress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);
    private final long total;
    private final int logEvery;
    private final ProgressBar bar;
    private final long startNanos = System.nanoTime();
    private final long startStep;

    Progress(long startStep, long total, int logEvery, boolean terminal) {
        this.total = total;
        this.logEvery = logEvery;
        this.startStep = startStep;
        this.bar = terminal ? new ProgressBarBuilder().setTaskName("train").setInitialMax(total)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).startsFrom(startStep, Duration.ZERO).build() : null;
    }

    /** Whether stderr is an interactive terminal (and not CI). */
    static boolean isTerminal() {
        return System.console() != null && System.getenv("CI") == null;
    }

    void step(long step, double loss, double lr, double tokensPerS) {
        String extra = String.format("loss %.4f lr %.2e %.0f tok/s", loss, lr, tokensPerS);
        if (bar != null) {
            bar.stepTo(step);
            bar.setExtraMessage(extra);
        } else if (step % logEvery == 0 || step == total) {
            LOG.info("step {}/{} {} eta {}", step, total, extra, eta(step));
        }
    }

    void message(String text) {
        LOG.info(text);
    }

    private String eta(long step) {
        long done = step - startStep;
        if (done <= 0) return "?";
        long seconds = (long) ((System.nanoTime() - startNanos) / 1e9 / done * (total - step));
        return String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
