package dev.lora.reliability;

import dev.lora.reliability.BadInput.Call;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static dev.lora.reliability.ConfigCases.train;
import static dev.lora.reliability.Scratch.BASE_CONFIG;

/** Bad training data (config key data.train, data.valid), read with data.max_seq_len 32. */
final class DataCases {
    private static final String GOOD = "name : Aromi | food : Chinese||Aromi serves Chinese food .\n";

    private DataCases() {
    }

    /** data.train is a file with these bytes; the message must name it and the line (0: no line). */
    private static BadInput data(String id, String problem, String name, byte[] content, int line) {
        return new BadInput(id, problem, s -> {
            Path d = s.write(name, content);
            Path cfg = s.config("run.yaml", BASE_CONFIG, Scratch.MODEL, d);
            return Call.of(train(cfg), line > 0 ? d + ":" + line + ":" : d + ":");
        });
    }

    private static BadInput data(String id, String problem, String name, String content, int line) {
        return data(id, problem, name, content.getBytes(StandardCharsets.UTF_8), line);
    }

    /** data.train is microsoft/LoRA's WebNLG or DART JSON; the message must name the file and the entry at fault. */
    private static BadInput json(String id, String problem, String content, String entry) {
        return new BadInput(id, problem, s -> {
            Path d = s.write("train.json", content.getBytes(StandardCharsets.UTF_8));
            return Call.of(train(s.config("run.yaml", BASE_CONFIG, Scratch.MODEL, d)), d + ":", entry);
        });
    }

    private static final String WEBNLG_ENTRY = "{\"category\": \"Airport\", \"modifiedtripleset\": %s, "
            + "\"lexicalisations\": [{\"comment\": \"good\", \"lex\": \"Aarhus is served.\"}]}";
    private static final String TRIPLE = "[{\"subject\": \"Aarhus_Airport\", \"property\": \"cityServed\", \"object\": \"Aarhus\"}]";

    private static byte[] invalidUtf8() {
        byte[] good = (GOOD + GOOD + "name : Caf").getBytes(StandardCharsets.UTF_8);
        byte[] tail = "||Nice place .\n".getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[good.length + 1 + tail.length];
        System.arraycopy(good, 0, out, 0, good.length);
        out[good.length] = (byte) 0xE9; // Latin-1 'é': a lone byte that is not UTF-8
        System.arraycopy(tail, 0, out, good.length + 1, tail.length);
        return out;
    }

    static List<BadInput> all() {
        return List.of(
                new BadInput("data-missing", "data.train does not exist", s -> {
                    Path d = s.dir().resolve("train.txt");
                    return Call.of(train(s.config("run.yaml", BASE_CONFIG, Scratch.MODEL, d)), d + ":");
                }),
                new BadInput("data-is-folder", "data.train is a folder", s -> {
                    Path d = s.dir().resolve("train.txt");
                    java.nio.file.Files.createDirectories(d);
                    return Call.of(train(s.config("run.yaml", BASE_CONFIG, Scratch.MODEL, d)), d.toString());
                }),
                data("data-empty", "empty file", "train.txt", "", 0),
                data("data-blank", "only blank lines", "train.txt", "\n  \n\n", 0),
                data("data-unknown-format", "extension neither .txt, .jsonl nor .csv", "train.tsv", GOOD, 0),
                data("data-csv-header", "a .csv without the E2E challenge's mr column", "train.csv", GOOD, 1),
                data("data-no-separator", "a line without '||'", "train.txt", GOOD + "name : Aromi | food : Chinese\n", 2),
                data("data-empty-completion", "nothing after '||'", "train.txt", "name : Aromi||\n" + GOOD, 1),
                data("data-invalid-utf8", "a byte that is not UTF-8 (Latin-1 text)", "train.txt", invalidUtf8(), 3),
                data("data-completion-too-long", "completion longer than data.max_seq_len allows", "train.txt",
                        GOOD + "name : Aromi||" + "very ".repeat(40) + "good .\n", 2),
                data("data-jsonl-not-json", "a .jsonl line that is not JSON", "train.jsonl",
                        "{\"context\": [1, 2], \"completion\": [3, 50256]}\n{\"context\": [1, 2], \"completion\": [3\n", 2),
                data("data-jsonl-not-object", "a .jsonl line that is an array", "train.jsonl", "[1, 2, 3]\n", 1),
                data("data-jsonl-missing-field", "a .jsonl line without completion", "train.jsonl", "{\"context\": \"a b\"}\n", 1),
                data("data-jsonl-mixed", "context text but completion ids", "train.jsonl",
                        "{\"context\": \"name : Aromi\", \"completion\": [3, 50256]}\n", 1),
                data("data-jsonl-empty-completion", "completion text is blank", "train.jsonl",
                        "{\"context\": \"name : Aromi\", \"completion\": \" \"}\n", 1),
                data("data-jsonl-no-ids", "context is an empty id list", "train.jsonl", "{\"context\": [], \"completion\": [3]}\n", 1),
                data("data-id-above-vocab", "token id 50257, outside GPT-2's vocabulary", "train.jsonl",
                        "{\"context\": [1, 2], \"completion\": [3, 50256]}\n{\"context\": [1, 50257], \"completion\": [3]}\n", 2),
                data("data-id-negative", "token id -1", "train.jsonl", "{\"context\": [-1, 2], \"completion\": [3]}\n", 1),
                data("data-id-fraction", "token id 3.5", "train.jsonl", "{\"context\": [1, 2], \"completion\": [3.5]}\n", 1),
                data("data-ids-too-long", "completion ids longer than data.max_seq_len allows", "train.jsonl",
                        "{\"context\": [1], \"completion\": " + java.util.Arrays.toString(new int[40]) + "}\n", 1),
                json("webnlg-no-entries", "a WebNLG .json without \"entries\"", "{\"data\": []}", "\"entries\""),
                json("webnlg-no-triples", "a WebNLG entry without triples", "{\"entries\": [{\"1\": " + WEBNLG_ENTRY.formatted(TRIPLE)
                        + "}, {\"2\": " + WEBNLG_ENTRY.formatted("[]") + "}]}", "entries[1].modifiedtripleset"),
                json("dart-not-a-list", "a DART .json that is one entry object instead of a list of entries",
                        "{\"tripleset\": [[\"A\", \"b\", \"C\"]], \"annotations\": [{\"text\": \"A b C.\"}]}", "DART JSON is a list"),
                json("dart-empty-annotation", "a DART entry whose annotation text is empty",
                        "[{\"tripleset\": [[\"A\", \"b\", \"C\"]], \"annotations\": [{\"text\": \"A b C.\"}]},"
                                + " {\"tripleset\": [[\"A\", \"b\", \"D\"]], \"annotations\": [{\"text\": \"\"}]}]",
                        "[1].annotations[0].text"),
                new BadInput("data-valid-bad", "data.valid has a bad line (data.train is fine)", s -> {
                    Path v = s.write("valid.txt", GOOD + GOOD + "no separator here\n");
                    Path cfg = s.config(BASE_CONFIG.replace("  max_seq_len", "  valid: " + v + "\n  max_seq_len"));
                    return Call.of(train(cfg), v + ":3:");
                }));
    }
}
