package dev.lora.io;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows download progress: a live bar on a terminal; on a pipe or log file, one plain line when a
 * download starts and one when it ends, since a redrawn bar would fill a log with noise.
 */
final class DownloadProgress {
    private final PrintStream out;
    private final boolean terminal;

    DownloadProgress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Progress of one download; {@link #finish()} marks success, {@link #close()} always ends the display. */
    interface Tracker extends AutoCloseable {
        void stepTo(long bytes);

        void finish();

        @Override
        void close();
    }

    /** Starts showing the download of {@code task}, {@code totalBytes} long (negative when unknown). */
    Tracker start(String task, long totalBytes) {
        return terminal ? bar(task, totalBytes) : lines(task, totalBytes);
    }

    private Tracker bar(String task, long totalBytes) {
        boolean small = totalBytes >= 0 && totalBytes < (1 << 20);
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(totalBytes)
                .setUnit(small ? "KiB" : "MiB", small ? 1 << 10 : 1 << 20)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                .setConsumer(new ConsoleProgressBarConsumer(out))
                .showSpeed()
                .build();
        return new Tracker() {
            @Override
            public void stepTo(long bytes) {
                bar.stepTo(bytes);
            }

            @Override
            public void finish() {
            }

            @Override
            public void close() {
                bar.close();
            }
        };
    }

    private Tracker lines(String task, long totalBytes) {
        long start = System.nanoTime();
        out.println("downloading " + task + (totalBytes >= 0 ? " (" + size(totalBytes) + ")" : "") + " ...");
        return new Tracker() {
            private long bytes;

            @Override
            public void stepTo(long bytes) {
                this.bytes = bytes;
            }

            @Override
            public void finish() {
                double seconds = (System.nanoTime() - start) / 1e9;
                out.println("downloaded " + task + " (" + size(bytes) + " in " + String.format(Locale.ROOT, "%.1f", seconds) + " s)");
            }

            @Override
            public void close() {
            }
        };
    }

    static String size(long bytes) {
        if (bytes < 1 << 10) return bytes + " B";
        if (bytes < 1 << 20) return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        if (bytes < 1 << 30) return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
