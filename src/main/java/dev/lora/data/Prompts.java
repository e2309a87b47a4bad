package dev.lora.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/**
 * Inputs to generate for, without references: the challenge's CSV (its {@code mr} column; {@code testset.csv}
 * has no other), a {@code .txt} of contexts (one per line; a {@code context||completion} line gives its context),
 * a {@code .jsonl} of objects with a string {@code context}, or microsoft/LoRA's WebNLG or DART {@code .json}
 * (its entries' triples, as {@link TripleJson} builds them). Repeated contexts are generated once, in order of
 * first appearance, as {@code lora eval} groups them.
 *
 * @param source  the input as given (the challenge's MR text, for the MR-TAB-output file the challenge takes)
 * @param context the context the model is prompted with (MRs in the LoRA paper's "name : X | area : Y" form)
 */
public record Prompts(String source, String context) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static List<Prompts> read(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        Map<String, Prompts> unique = new LinkedHashMap<>();
        if (name.endsWith(".csv")) {
            for (E2eCsv.MrGroup g : E2eCsv.groupByMr(E2eCsv.read(file))) unique.putIfAbsent(g.mr(), new Prompts(g.mr(), E2eCsv.toLoraMr(g.mr())));
        } else if (name.endsWith(".txt") || name.endsWith(".jsonl")) {
            List<String> lines = lines(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isBlank()) continue;
                String context = name.endsWith(".txt") ? textContext(line) : jsonContext(line, file, i + 1);
                unique.putIfAbsent(context, new Prompts(context, context));
            }
        } else if (name.endsWith(".json")) {
            for (RawExample r : TripleJson.read(file, java.util.Optional.empty())) unique.putIfAbsent(r.context(), new Prompts(r.context(), r.context()));
        } else {
            throw InputError.at(file, 0, "unknown input format; use the E2E challenge's .csv (mr column), .txt (one context per"
                    + " line), .jsonl (one {\"context\": ...} object per line) or a WebNLG/DART .json");
        }
        if (unique.isEmpty()) throw InputError.at(file, 0, "holds no contexts to generate for");
        return new ArrayList<>(unique.values());
    }

    private static String textContext(String line) {
        int sep = line.indexOf(PairTextReader.SEPARATOR);
        return PythonText.strip(sep < 0 ? line : line.substring(0, sep));
    }

    private static String jsonContext(String line, Path file, int lineNo) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (IOException e) {
            throw InputError.at(file, lineNo, "not valid JSON");
        }
        JsonNode c = node == null ? null : node.get("context");
        if (c == null || !c.isTextual()) throw InputError.at(file, lineNo, "needs a string field \"context\"");
        return c.asText();
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw InputError.reading(file, e);
        }
    }
}
