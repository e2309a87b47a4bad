package dev.lora.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lora.io.InputError;
import dev.lora.io.JsonProblems;
import dev.lora.tokenizer.Gpt2Tokenizer;
import dev.lora.tokenizer.Utf8;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Reads JSON Lines with fields {@code context} and {@code completion}, per line either
 * <ul>
 * <li>strings (format_converting_e2e.py's output): tokenised like the .txt format, the strings used as given;</li>
 * <li>arrays of token ids (gpt2_encode.py's output): used verbatim, nothing added, the completion starting
 * after the context's last id.</li>
 * </ul>
 * Other fields are ignored; blank lines are skipped.
 */
final class JsonlReader {
    private JsonlReader() {
    }

    static Dataset read(Path file, Gpt2Tokenizer tok, int maxSeqLen) {
        ObjectMapper json = new ObjectMapper()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        List<String> lines = Utf8.readLines(file);
        DatasetBuilder out = new DatasetBuilder(file, maxSeqLen);
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i);
            if (line.isBlank()) continue;
            JsonNode obj;
            try {
                obj = json.readTree(line);
            } catch (JsonProcessingException e) {
                throw InputError.at(file, lineNo, "not valid JSON (" + JsonProblems.describe(e)
                        + "); each line must be one object like {\"context\": ..., \"completion\": ...}");
            }
            if (!obj.isObject()) {
                throw InputError.at(file, lineNo, "expected a JSON object with \"context\" and \"completion\", got "
                        + kind(obj));
            }
            JsonNode context = field(obj, "context", file, lineNo);
            JsonNode completion = field(obj, "completion", file, lineNo);
            if (context.isTextual() && completion.isTextual()) {
                addText(out, tok, context.asText(), completion.asText(), file, lineNo);
            } else if (context.isArray() && completion.isArray()) {
                addIds(out, tok, ids(context, "context", tok, file, lineNo), ids(completion, "completion", tok, file, lineNo),
                        file, lineNo);
            } else {
                throw InputError.at(file, lineNo, "\"context\" and \"completion\" must both be strings or both be arrays"
                        + " of token ids; got " + kind(context) + " and " + kind(completion));
            }
        }
        return out.build("one JSON object with \"context\" and \"completion\" per line");
    }

    private static void addText(DatasetBuilder out, Gpt2Tokenizer tok, String context, String completion,
                                Path file, int lineNo) {
        if (completion.isBlank()) {
            throw InputError.at(file, lineNo, "\"completion\" is empty; give the target text or remove the line");
        }
        out.add(PromptFormat.promptTokens(tok, context), PromptFormat.completionTokens(tok, completion),
                new RawExample(context, completion, lineNo));
    }

    /**
     * Pre-tokenised lines carry no text, so the raw text is decoded back from the ids, undoing LoRA's layout
     * where it is present: one trailing end-of-text dropped from each part and one leading space from the
     * completion. Contexts therefore group exactly when their ids decode to the same text.
     */
    private static void addIds(DatasetBuilder out, Gpt2Tokenizer tok, int[] context, int[] completion,
                               Path file, int lineNo) {
        if (context.length == 0) {
            throw InputError.at(file, lineNo, "\"context\" has no ids; it needs at least one (LoRA's format ends it with "
                    + tok.eosId() + ")");
        }
        if (completion.length == 0) {
            throw InputError.at(file, lineNo, "\"completion\" has no ids; give the target ids or remove the line");
        }
        String contextText = tok.decode(withoutTrailing(context, tok.eosId()));
        String completionText = tok.decode(withoutTrailing(completion, tok.eosId()));
        if (completionText.startsWith(" ")) completionText = completionText.substring(1);
        out.add(context, completion, new RawExample(contextText, completionText, lineNo));
    }

    private static int[] withoutTrailing(int[] ids, int eos) {
        return ids.length > 0 && ids[ids.length - 1] == eos ? Arrays.copyOf(ids, ids.length - 1) : ids;
    }

    private static JsonNode field(JsonNode obj, String name, Path file, int lineNo) {
        JsonNode v = obj.get(name);
        if (v == null) {
            throw InputError.at(file, lineNo, "missing field \"" + name + "\"; each line needs \"context\" and \"completion\"");
        }
        return v;
    }

    private static int[] ids(JsonNode array, String name, Gpt2Tokenizer tok, Path file, int lineNo) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = array.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0 || v.intValue() >= tok.vocabSize()) {
                throw InputError.at(file, lineNo, "\"" + name + "\"[" + i + "] is " + v
                        + ", not a token id in [0, " + tok.vocabSize() + ")");
            }
            out[i] = v.intValue();
        }
        return out;
    }

    /** What a JSON value is, for messages ("a string", "an array", ...; "nothing" for a missing value). */
    static String kind(JsonNode v) {
        if (v == null) return "nothing";
        return switch (v.getNodeType()) {
            case STRING -> "a string";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> v.getNodeType().toString().toLowerCase();
        };
    }
}
