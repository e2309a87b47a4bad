package dev.lora.data;

import dev.lora.io.InputError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The E2E NLG Challenge's CSV files ({@code devset.csv}, {@code testset_w_refs.csv}: columns
 * {@code mr,ref}; {@code testset.csv}: column {@code mr}), and the conversion of their meaning
 * representations to the LoRA paper's text format.
 */
public final class E2eCsv {

    /** One data row; {@code ref} is null in an MR-only file. */
    public record Row(String mr, String ref) {
    }

    /** An MR with its references, in file order. */
    public record MrGroup(String mr, List<String> refs) {
    }

    // Challenge attribute names whose LoRA-format spelling is not a plain rewrite of the camel case.
    private static final Map<String, String> ATTRIBUTE_NAMES = Map.of(
            "eatType", "Type",
            "priceRange", "price",
            "familyFriendly", "family friendly");
    private static final Pattern ATTRIBUTE = Pattern.compile("\\s*([^\\[\\],]+?)\\s*\\[([^\\]]*)\\]\\s*");
    private static final Pattern CURRENCY_BEFORE_ALNUM = Pattern.compile("([£$€])(?=\\S)");
    private static final Pattern HYPHEN = Pattern.compile("\\s*-\\s*");

    private E2eCsv() {
    }

    public static List<Row> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw InputError.reading(file, e);
        }
        return parse(text, file.toString());
    }

    /** Parses CSV text (RFC 4180 quoting) with a header naming the columns mr and, optionally, ref. */
    public static List<Row> parse(String text, String source) {
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        List<List<String>> records = Rfc4180.parse(text, source);
        if (records.isEmpty()) throw InputError.at(source, 0, "empty CSV file; expected a header 'mr,ref' or 'mr'");
        List<String> header = records.get(0).stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
        int mrColumn = header.indexOf("mr");
        int refColumn = header.indexOf("ref");
        if (mrColumn < 0) {
            throw InputError.at(source, 1, "CSV header " + records.get(0) + " has no column 'mr' (expected 'mr,ref' or 'mr')");
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i < records.size(); i++) {
            List<String> record = records.get(i);
            if (record.size() == 1 && record.get(0).isBlank()) continue;
            if (record.size() != header.size()) {
                throw InputError.at(source, i + 1, "record " + (i + 1) + " has " + record.size() + " fields, the header has "
                        + header.size());
            }
            rows.add(new Row(record.get(mrColumn), refColumn < 0 ? null : record.get(refColumn)));
        }
        return rows;
    }

    /** Rows grouped by MR in order of first appearance (the multiple references of each MR). */
    public static List<MrGroup> groupByMr(List<Row> rows) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (Row row : rows) {
            List<String> refs = groups.computeIfAbsent(row.mr(), k -> new ArrayList<>());
            if (row.ref() != null) refs.add(row.ref());
        }
        List<MrGroup> result = new ArrayList<>();
        groups.forEach((mr, refs) -> result.add(new MrGroup(mr, List.copyOf(refs))));
        return result;
    }

    /**
     * {@code name[Alimentum], area[city centre], familyFriendly[no]} becomes
     * {@code name : Alimentum | area : city centre | family friendly : no}: the attribute names the
     * LoRA data uses, and values tokenised as there ("£20-25" is "£ 20 - 25").
     */
    public static String toLoraMr(String challengeMr) {
        List<String> parts = new ArrayList<>();
        Matcher m = ATTRIBUTE.matcher(challengeMr);
        int pos = 0;
        while (pos < challengeMr.length()) {
            if (!m.find(pos) || m.start() != pos) {
                throw new InputError("malformed MR (expected attr[value], attr[value], ...): " + challengeMr);
            }
            String name = ATTRIBUTE_NAMES.getOrDefault(m.group(1), m.group(1));
            parts.add(name + " : " + loraValue(m.group(2)));
            pos = m.end();
            if (pos < challengeMr.length()) {
                if (challengeMr.charAt(pos) != ',') {
                    throw new InputError("malformed MR (expected ',' after ']'): " + challengeMr);
                }
                pos++;
            }
        }
        return String.join(" | ", parts);
    }

    private static String loraValue(String value) {
        String v = CURRENCY_BEFORE_ALNUM.matcher(value.strip()).replaceAll("$1 ");
        v = HYPHEN.matcher(v).replaceAll(" - ");
        return v.replaceAll("\\s+", " ").strip();
    }

    /** A minimal RFC 4180 reader: comma-separated, double-quoted fields with "" escapes and line breaks. */
    private static final class Rfc4180 {
        static List<List<String>> parse(String text, String source) {
            List<List<String>> records = new ArrayList<>();
            List<String> record = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            boolean fieldStarted = false;
            int line = 1;
            int quoteLine = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (quoted) {
                    if (c == '"') {
                        if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            quoted = false;
                        }
                    } else {
                        if (c == '\n') line++;
                        field.append(c);
                    }
                } else if (c == '"' && field.length() == 0 && !fieldStarted) {
                    quoted = true;
                    fieldStarted = true;
                    quoteLine = line;
                } else if (c == ',') {
                    record.add(field.toString());
                    field.setLength(0);
                    fieldStarted = false;
                } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    // the \n ends the record
                } else if (c == '\n' || c == '\r') {
                    record.add(field.toString());
                    records.add(record);
                    record = new ArrayList<>();
                    field.setLength(0);
                    fieldStarted = false;
                    line++;
                } else {
                    field.append(c);
                    fieldStarted = true;
                }
            }
            if (quoted) throw InputError.at(source, quoteLine, "unterminated quoted CSV field");
            if (fieldStarted || field.length() > 0 || !record.isEmpty()) {
                record.add(field.toString());
                records.add(record);
            }
            return records;
        }
    }
}
