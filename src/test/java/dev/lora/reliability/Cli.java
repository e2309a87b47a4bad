package dev.lora.reliability;

import dev.lora.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Runs the CLI in this JVM, as a user would, with its stdout and stderr captured. */
final class Cli {
    /** A YAML line of the resolved config the trainer logs on start: comment, top-level or indented key (not "lora: ..."). */
    private static final Pattern CONFIG_DUMP_LINE = Pattern.compile("#.*|(?!lora: )[a-z_]+:.*|  [a-z_]+:.*");

    private Cli() {
    }

    record Result(int status, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }

        /**
         * The stderr lines other than the resolved config that {@code lora train} logs before it opens the
         * model and data (so an error there follows that block); everything else counts.
         */
        List<String> errorLines() {
            List<String> lines = new ArrayList<>(errLines());
            int start = lines.indexOf("Resolved config:");
            if (start >= 0) {
                int end = start + 1;
                while (end < lines.size() && CONFIG_DUMP_LINE.matcher(lines.get(end)).matches()) end++;
                lines.subList(start, end).clear();
            }
            return lines;
        }
    }

    /** System.out/err are process-wide, hence synchronized; they are restored however the run ends. */
    static synchronized Result run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            status = Main.run(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
