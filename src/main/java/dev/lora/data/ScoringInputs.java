package dev.lora.data;

import dev.lora.io.InputError;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the files of {@code lora score} in the formats the official E2E scorer accepts: references
 * as blank-line-separated groups or the challenge CSV, predictions as one line per group or a TSV of
 * MR and output.
 */
public final class ScoringInputs {

    /** Reference groups, with their MRs when the file had them (CSV), else null. */
    public record References(List<List<String>> groups, List<String> mrs, Path source) {
        public int size() {
            return groups.size();
        }
    }

    private static final Pattern LEADING_QUOTE = Pattern.compile("^\\s*['\"]?\\s*");
    private static final Pattern TRAILING_QUOTE = Pattern.compile("\\s*['\"]?\\s*$");
    private static final Pattern TSV_HEADER = Pattern.compile("^\"?mr", Pattern.CASE_INSENSITIVE);

    private ScoringInputs() {
    }

    public static References readReferences(Path file) {
        String text = read(file);
        if (isCsv(file, text)) {
            List<E2eCsv.Row> rows = E2eCsv.parse(text, file.toString());
            if (!rows.isEmpty() && rows.get(0).ref() == null) {
                throw new InputError(file + ": this CSV has no 'ref' column; references need columns mr,ref");
            }
            List<E2eCsv.MrGroup> groups = E2eCsv.groupByMr(rows);
            if (groups.isEmpty()) throw new InputError(file + ": no references");
            return new References(groups.stream().map(E2eCsv.MrGroup::refs).toList(),
                    groups.stream().map(E2eCsv.MrGroup::mr).map(ScoringInputs::unquote).toList(), file);
        }
        List<List<String>> groups = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String line : lines(text)) {
            String ref = line.strip();
            if (ref.isEmpty()) {
                // A blank line ends a group; several in a row count as one.
                if (!current.isEmpty()) groups.add(current);
                current = new ArrayList<>();
            } else {
                current.add(ref);
            }
        }
        if (!current.isEmpty()) groups.add(current);
        if (groups.isEmpty()) throw new InputError(file + ": no references");
        // Like the official scorer: a file without blank lines holds one reference per segment.
        if (groups.size() == 1) groups = groups.get(0).stream().map(List::of).toList();
        return new References(groups.stream().map(List::copyOf).toList(), null, file);
    }

    /** One prediction per reference group, in the groups' order. */
    public static List<String> readPredictions(Path file, References references) {
        String text = read(file);
        List<String> predictions;
        if (isTsv(file, text)) {
            predictions = matchTsv(file, text, references);
        } else {
            predictions = lines(text).stream().map(String::strip).toList();
        }
        if (predictions.size() != references.size()) {
            throw new InputError(file + " has " + predictions.size() + " predictions but " + references.source()
                    + " has " + references.size() + " reference groups; they must correspond one to one");
        }
        return predictions;
    }

    private static List<String> matchTsv(Path file, String text, References references) {
        List<String[]> rows = new ArrayList<>();
        List<String> lines = lines(text);
        for (int i = 0; i < lines.size(); i++) {
            String line = fixMojibake(lines.get(i));
            if (line.isBlank()) continue;
            String[] fields = line.split("\t", -1);
            if (rows.isEmpty() && TSV_HEADER.matcher(fields[0]).find()) {
                rows.add(null); // header marker, skipped below
                continue;
            }
            if (fields.length != 2) {
                throw InputError.at(file, i + 1, "expected 2 tab-separated fields (MR, output), found " + fields.length);
            }
            rows.add(new String[]{unquote(fields[0]), unquote(fields[1])});
        }
        List<String[]> data = rows.stream().filter(r -> r != null).toList();
        if (references.mrs() == null || data.size() != references.size()) {
            // Without MRs on the reference side (or with the wrong count) only the order can pair them.
            return data.stream().map(r -> r[1]).toList();
        }
        Map<String, String> byMr = new LinkedHashMap<>();
        for (String[] row : data) byMr.putIfAbsent(row[0], row[1]);
        List<String> predictions = new ArrayList<>();
        for (String mr : references.mrs()) {
            String output = byMr.get(mr);
            if (output == null) {
                throw new InputError(file + ": no prediction for the MR '" + mr + "' of " + references.source());
            }
            predictions.add(output);
        }
        return predictions;
    }

    // The official scorer strips one optional quote character at each end of TSV fields.
    private static String unquote(String field) {
        return TRAILING_QUOTE.matcher(LEADING_QUOTE.matcher(field).replaceFirst("")).replaceFirst("");
    }

    // Encoding damage in some submitted system outputs, repaired as the official scorer does.
    private static String fixMojibake(String line) {
        return line.replace("Ł", "£").replace("Â£", "£").replace("Ã©", "é").replace("ã©", "é");
    }

    private static boolean isCsv(Path file, String text) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String firstLine = lines(text).stream().findFirst().orElse("").strip().toLowerCase(Locale.ROOT);
        return name.endsWith(".csv") || firstLine.equals("mr,ref") || firstLine.equals("\"mr\",\"ref\"");
    }

    private static boolean isTsv(Path file, String text) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String firstLine = lines(text).stream().findFirst().orElse("");
        return name.endsWith(".tsv") || (firstLine.contains("\t") && TSV_HEADER.matcher(firstLine).find());
    }

    static String read(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new InputError(file + ": not valid UTF-8 text");
        } catch (IOException e) {
            throw InputError.reading(file, e);
        }
    }

    /** Lines as Python iterates them: a final line break does not start another line. */
    static List<String> lines(String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\r?\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) lines.remove(lines.size() - 1);
        return lines;
    }
}
