package dev.lora.eval.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Against NLTK 3.5's NLTKWordTokenizer itself (fixtures/nlg/generationeval.json, scripts/reference/make_nlg_fixtures.py). */
class NltkWordTokenizerTest {
    @Test
    void equalsNltk35OnTheFixtureSentences() throws IOException {
        JsonNode cases;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/nlg/generationeval.json")) {
            cases = new ObjectMapper().readTree(in).get("units").get("nltk35");
        }
        assertThat(cases.size()).isPositive();
        cases.fields().forEachRemaining(e -> {
            List<String> expected = new ArrayList<>();
            e.getValue().forEach(t -> expected.add(t.asText()));
            assertThat(NltkWordTokenizer.tokenize(e.getKey())).as(e.getKey()).isEqualTo(expected);
        });
    }

    /** By hand from the rules: quotes become `` and '', clitics split, the final stop only (no sentence split). */
    @Test
    void treebankRulesByHand() {
        assertThat(NltkWordTokenizer.tokenize("\"He's here.\" It ends.")).containsExactly("``", "He", "'s", "here.", "''", "It", "ends", ".");
        assertThat(NltkWordTokenizer.tokenize("New York. Please")).containsExactly("New", "York.", "Please");
        assertThat(NltkWordTokenizer.tokenize("i can't , gonna")).containsExactly("i", "ca", "n't", ",", "gon", "na");
    }
}
