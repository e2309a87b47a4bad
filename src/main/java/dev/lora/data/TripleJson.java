package dev.lora.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lora.io.InputError;
import dev.lora.io.JsonProblems;
import dev.lora.tokenizer.Utf8;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * microsoft/LoRA's WebNLG 2017 and DART JSON files, turned into (context, completion) pairs exactly as its
 * {@code format_converting_webnlg.py} and {@code format_converting_dart.py} build them: an entry's triples become
 * {@code "subject : property : object"} joined by {@code " | "} (DART's properties lower-cased), one pair per
 * reference text in file order; WebNLG keeps only lexicalisations whose comment is {@code good}. Entries the
 * scripts would turn into nothing useful (no triples, an empty reference) are refused, naming the entry.
 */
public final class TripleJson {
    /** The 2017 challenge's training categories (format_converting_webnlg.py's list). */
    static final Set<String> WEBNLG_SEEN = Set.of("Airport", "Astronaut", "Building", "City", "ComicsCharacter",
            "Food", "Monument", "SportsTeam", "University", "WrittenWork");

    public enum Kind {
        WEBNLG, DART;

        public static Kind parse(String name) {
            for (Kind k : values()) if (k.name().equalsIgnoreCase(name)) return k;
            throw new InputError("--format: unknown format '" + name + "' (use webnlg or dart)");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private TripleJson() {
    }

    /** The pairs of a WebNLG or DART file, the kind taken from {@code kind} or else from the content. */
    public static List<RawExample> read(Path file, Optional<Kind> kind) {
        JsonNode root = parse(file);
        Kind k = kind.orElseGet(() -> detect(file, root));
        return k == Kind.WEBNLG ? webNlg(file, root) : dart(file, root);
    }

    /** WebNLG's files are an object (holding {@code entries}); DART's are a list of entries. */
    static Kind detect(Path file, JsonNode root) {
        if (root.isObject()) return Kind.WEBNLG;
        if (root.isArray()) return Kind.DART;
        throw InputError.at(file, 0, "neither WebNLG (an object with \"entries\") nor DART (a list of entries) JSON,"
                + " but " + JsonlReader.kind(root) + "; for the E2E layout use .txt, .jsonl or .csv");
    }

    private static List<RawExample> webNlg(Path file, JsonNode root) {
        JsonNode entries = root.get("entries");
        if (entries == null || !entries.isArray()) {
            throw InputError.at(file, 0, "WebNLG JSON needs \"entries\", a list of {\"1\": {...}, \"2\": {...}, ...}; "
                    + (entries == null ? "it is missing (DART JSON is a list of entries, not an object)" : "it is not a list"));
        }
        List<RawExample> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String at = "entries[" + i + "]";
            // The script reads entry i under the key str(i + 1), whatever else the object holds.
            JsonNode entry = entries.get(i).get(String.valueOf(i + 1));
            if (entry == null || !entry.isObject()) {
                throw InputError.at(file, 0, at + ": needs an object under the key \"" + (i + 1) + "\"");
            }
            String category = text(file, at + ".category", entry.get("category"));
            JsonNode triples = list(file, at + ".modifiedtripleset", entry.get("modifiedtripleset"));
            List<String> parts = new ArrayList<>();
            for (int t = 0; t < triples.size(); t++) {
                String tat = at + ".modifiedtripleset[" + t + "]";
                JsonNode triple = triples.get(t);
                parts.add(triple(text(file, tat + ".subject", triple.get("subject")),
                        text(file, tat + ".property", triple.get("property")), text(file, tat + ".object", triple.get("object"))));
            }
            String context = String.join(" | ", parts);
            JsonNode lex = list(file, at + ".lexicalisations", entry.get("lexicalisations"));
            RawExample.Category cat = new RawExample.Category(category, WEBNLG_SEEN.contains(category));
            for (int s = 0; s < lex.size(); s++) {
                String sat = at + ".lexicalisations[" + s + "]";
                if (!"good".equals(text(file, sat + ".comment", lex.get(s).get("comment")))) continue;
                out.add(new RawExample(context, completion(file, sat + ".lex", lex.get(s).get("lex")), i + 1, Optional.of(cat)));
            }
        }
        return nonEmpty(file, out);
    }

    private static List<RawExample> dart(Path file, JsonNode root) {
        if (!root.isArray()) throw InputError.at(file, 0, "DART JSON must be a list of entries, got " + JsonlReader.kind(root));
        List<RawExample> out = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            String at = "[" + i + "]";
            JsonNode entry = root.get(i);
            if (!entry.isObject()) throw InputError.at(file, 0, at + ": an entry must be an object, got " + JsonlReader.kind(entry));
            JsonNode triples = list(file, at + ".tripleset", entry.get("tripleset"));
            List<String> parts = new ArrayList<>();
            for (int t = 0; t < triples.size(); t++) {
                String tat = at + ".tripleset[" + t + "]";
                JsonNode triple = triples.get(t);
                if (!triple.isArray() || triple.size() != 3) {
                    throw InputError.at(file, 0, tat + ": a triple must be a list [subject, property, object]");
                }
                parts.add(triple(text(file, tat + "[0]", triple.get(0)),
                        text(file, tat + "[1]", triple.get(1)).toLowerCase(Locale.ROOT), text(file, tat + "[2]", triple.get(2))));
            }
            String context = String.join(" | ", parts);
            JsonNode annotations = entry.get("annotations");
            if (annotations == null || !annotations.isArray() || annotations.isEmpty()) {
                throw InputError.at(file, 0, at + ".annotations: needs a non-empty list of {\"text\": ...}");
            }
            for (int a = 0; a < annotations.size(); a++) {
                String aat = at + ".annotations[" + a + "]";
                out.add(new RawExample(context, completion(file, aat + ".text", annotations.get(a).get("text")), i + 1));
            }
        }
        return nonEmpty(file, out);
    }

    private static String triple(String subject, String property, String object) {
        return subject + " : " + property + " : " + object;
    }

    private static JsonNode list(Path file, String at, JsonNode v) {
        if (v == null || !v.isArray()) throw InputError.at(file, 0, at + ": needs a list, got " + JsonlReader.kind(v));
        if (v.isEmpty()) throw InputError.at(file, 0, at + ": is empty; an entry needs at least one");
        return v;
    }

    private static String text(Path file, String at, JsonNode v) {
        if (v == null || !v.isTextual()) throw InputError.at(file, 0, at + ": needs a string, got " + JsonlReader.kind(v));
        return v.asText();
    }

    private static String completion(Path file, String at, JsonNode v) {
        String s = text(file, at, v);
        if (s.isBlank()) throw InputError.at(file, 0, at + ": is empty; give the reference text or remove it");
        return s;
    }

    private static List<RawExample> nonEmpty(Path file, List<RawExample> out) {
        if (out.isEmpty()) throw InputError.at(file, 0, "has no reference texts to train on or score against");
        return out;
    }

    private static JsonNode parse(Path file) {
        try {
            return new ObjectMapper().readTree(String.join("\n", Utf8.readLines(file)));
        } catch (JsonProcessingException e) {
            throw InputError.at(file, 0, "not valid JSON (" + JsonProblems.describe(e) + ")");
        }
    }
}
