package dev.lora.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * docs/errors.md: one table row per bad input (id, command, what is wrong, the exact message), written by
 * {@code BadInputTest} with -Derrors.update=true and checked row by row on every other run, so the page
 * cannot drift from what the CLI says.
 */
final class ErrorsDoc {
    static final Path FILE = Scratch.REPO.resolve("docs/errors.md");
    private static final Pattern CELL_SPLIT = Pattern.compile("(?<!\\\\)\\|");

    record Row(String id, String command, String problem, String message) {
    }

    private ErrorsDoc() {
    }

    private static final String INTRO = """
            # Errors for bad input

            Every problem with something you give `lora` (a config, a `--set`, a model folder, an adapter, a data
            file, an output folder, a checkpoint) ends the command with **exit status 2** and **one line** on
            stderr:

                lora: FILE[:LINE]: what is wrong[; how to fix it]

            naming the file, and the line, key or tensor at fault where there is one. No stack trace is printed
            unless you pass `--debug`. Other statuses: 0 success, 1 internal error (a bug: please report it with
            the `--debug` output), 3 a quality gate failed (`lora score --fail-under`), 130 interrupted by Ctrl-C
            and 143 by SIGTERM (`lora train` saves a checkpoint first and `--resume` continues).

            `lora train` prints its resolved config only once the model, the data and the adapter have been read,
            so an error about any of them is the last thing on screen.

            The tables below list every bad input that the test suite tries, with the exact message it gives.
            `<tmp>` stands for the test's scratch folder and `<fixtures>` for `src/test/resources/fixtures`.
            They are generated: `BadInputTest` fails when a message here differs from the CLI's. After changing
            a message, regenerate the page with

                mvn -q test -Dtest=BadInputTest -Derrors.update=true

            """;

    static String render(Map<String, List<Row>> sections) {
        StringBuilder md = new StringBuilder(INTRO);
        sections.forEach((title, rows) -> {
            md.append("## ").append(title).append("\n\n");
            md.append("| id | command | what is wrong | message (stderr, exit 2) |\n");
            md.append("|----|---------|---------------|--------------------------|\n");
            for (Row r : rows) {
                md.append("| ").append(r.id()).append(" | ").append(code(r.command())).append(" | ")
                        .append(escape(r.problem())).append(" | ").append(code(r.message())).append(" |\n");
            }
            md.append('\n');
        });
        return md.toString();
    }

    /** The rows of the page, by id, in page order (empty when the page does not exist yet). */
    static Map<String, Row> read() {
        Map<String, Row> rows = new LinkedHashMap<>();
        if (!Files.exists(FILE)) return rows;
        List<String> lines;
        try {
            lines = Files.readAllLines(FILE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String line : lines) {
            if (!line.startsWith("| ") || line.startsWith("| id ")) continue;
            List<String> cells = new ArrayList<>();
            for (String c : CELL_SPLIT.split(line, -1)) cells.add(c.strip());
            // "", id, command, problem, message, ""
            if (cells.size() != 6) throw new IllegalStateException(FILE + ": malformed row: " + line);
            rows.put(cells.get(1), new Row(cells.get(1), uncode(cells.get(2)), unescape(cells.get(3)), uncode(cells.get(4))));
        }
        return rows;
    }

    static void write(String text) {
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A code span; one holding a backtick is fenced with two, as Markdown allows. */
    private static String code(String s) {
        if (s.contains("``")) throw new IllegalArgumentException("two backticks would end the code span: " + s);
        return s.contains("`") ? "`` " + escape(s) + " ``" : "`" + escape(s) + "`";
    }

    private static String uncode(String cell) {
        if (cell.startsWith("`` ") && cell.endsWith(" ``")) return unescape(cell.substring(3, cell.length() - 3));
        if (!cell.startsWith("`") || !cell.endsWith("`")) throw new IllegalStateException("not a code span: " + cell);
        return unescape(cell.substring(1, cell.length() - 1));
    }

    private static String escape(String s) {
        return s.replace("|", "\\|");
    }

    private static String unescape(String s) {
        return s.replace("\\|", "|");
    }
}
