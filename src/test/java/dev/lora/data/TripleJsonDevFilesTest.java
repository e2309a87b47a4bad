package dev.lora.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lora.tokenizer.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our pairs of the two dev files against microsoft/LoRA's converting scripts run on them
 * (scripts/reference/make_nlg_fixtures.py: fixtures/nlg/readers.json holds the SHA-256 of every pair as
 * "context\u0001completion\u0001cate\n", the count and both ends): identical strings, filtering and order.
 */
class TripleJsonDevFilesTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({"webnlg, webnlg/dev.json", "dart, dart/dart-v1.1.1-full-dev.json"})
    void pairsEqualTheConvertingScripts(String kind, String file) throws IOException, NoSuchAlgorithmException {
        List<RawExample> pairs = TripleJson.read(SharedData.require(file), Optional.empty());
        JsonNode expected;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/nlg/readers.json")) {
            expected = new ObjectMapper().readTree(in).get("readers").get(kind);
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (RawExample p : pairs) {
            String cate = p.category().map(c -> c.seen() ? "True" : "False").orElse("");
            sha.update((p.context() + "\u0001" + p.completion() + "\u0001" + cate + "\n").getBytes(StandardCharsets.UTF_8));
        }
        assertThat(pairs).hasSize(expected.get("pairs").asInt());
        for (int i = 0; i < 3; i++) {
            assertThat(pairs.get(i).context()).isEqualTo(expected.get("first").get(i).get("context").asText());
            assertThat(pairs.get(i).completion()).isEqualTo(expected.get("first").get(i).get("completion").asText());
            RawExample last = pairs.get(pairs.size() - 3 + i);
            assertThat(last.completion()).isEqualTo(expected.get("last").get(i).get("completion").asText());
        }
        assertThat(pairs.stream().filter(p -> p.category().map(RawExample.Category::seen).orElse(false)).count())
                .isEqualTo(expected.get("seen_pairs").asLong());
        assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(expected.get("sha256").asText());
    }
}
