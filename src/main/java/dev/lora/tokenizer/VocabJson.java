package dev.lora.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.lora.io.InputError;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a GPT-2 vocab.json / encoder.json: one JSON object, token string to id, ids exactly 0..N-1. */
final class VocabJson {
    private VocabJson() {
    }

    static Map<String, Integer> read(Path file) {
        byte[] bytes = Utf8.readAll(file);
        Map<String, Integer> vocab = new LinkedHashMap<>();
        Map<Integer, String> tokenOfId = new HashMap<>();
        try (JsonParser p = new JsonFactory().createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw InputError.at(file, line(p), "expected a JSON object mapping token to id; is this a vocab.json?");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String token = p.currentName();
                JsonToken v = p.nextToken();
                if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT || p.getIntValue() < 0) {
                    throw InputError.at(file, line(p), "id of token \"" + token + "\" must be a non-negative integer, got "
                            + p.getText());
                }
                int id = p.getIntValue();
                if (vocab.containsKey(token)) {
                    throw InputError.at(file, line(p), "token \"" + token + "\" appears twice");
                }
                String other = tokenOfId.put(id, token);
                if (other != null) {
                    throw InputError.at(file, line(p), "id " + id + " is given to both \"" + other + "\" and \"" + token + "\"");
                }
                vocab.put(token, id);
            }
            if (t != JsonToken.END_OBJECT) {
                throw InputError.at(file, line(p), "expected a JSON object mapping token to id; is this a vocab.json?");
            }
            if (p.nextToken() != null) {
                throw InputError.at(file, line(p), "unexpected content after the JSON object");
            }
        } catch (JsonParseException e) {
            throw InputError.at(file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    "not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw InputError.reading(file, e);
        }
        if (vocab.isEmpty()) throw InputError.at(file, 0, "is an empty vocabulary");
        for (int id = 0; id < vocab.size(); id++) {
            if (!tokenOfId.containsKey(id)) {
                throw InputError.at(file, 0, "ids must run from 0 to " + (vocab.size() - 1) + " without gaps; id "
                        + id + " is missing");
            }
        }
        return vocab;
    }

    private static long line(JsonParser p) {
        return p.currentLocation().getLineNr();
    }
}
