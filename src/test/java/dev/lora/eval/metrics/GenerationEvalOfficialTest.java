package dev.lora.eval.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lora.data.GenerationEvalFiles;
import dev.lora.data.RawExample;
import dev.lora.data.TripleJson;
import dev.lora.eval.metrics.meteor.MeteorResources;
import dev.lora.tokenizer.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Our GenerationEval against the official pipeline (scripts/reference/make_nlg_fixtures.py): made-up systems on the
 * WebNLG and DART dev sets, written by microsoft/LoRA's gpt2_decode.py (--tokenize --lower --ref_num 6) and scored
 * by microsoft/LoRA's copy of GenerationEval's eval.py with multi-bleu-detok.perl, METEOR 1.5 (no paraphrase table
 * here), chrF.py and pyter3. We write the same files from the same data (their SHA-256 must match) and score them;
 * within 1e-4, the bound, on BLEU's 0-100 scale as on the fractions.
 */
class GenerationEvalOfficialTest {
    private static JsonNode fixture;
    private static MeteorResources meteor;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = GenerationEvalOfficialTest.class.getResourceAsStream("/fixtures/nlg/generationeval.json")) {
            fixture = new ObjectMapper().readTree(in);
        }
    }

    private static MeteorResources meteor() {
        if (meteor == null) meteor = MeteorResources.load(SharedData.require("meteor/english.synsets").getParent(), false);
        return meteor;
    }

    @ParameterizedTest(name = "{0}-{1}")
    @CsvSource({"webnlg, last", "webnlg, other", "webnlg, swap", "webnlg, drop", "webnlg, rotate", "webnlg, half",
            "dart, other", "dart, swap", "dart, rotate"})
    void equalsTheOfficialScorer(String kind, String system) throws IOException, NoSuchAlgorithmException {
        Path data = SharedData.require(kind.equals("webnlg") ? "webnlg/dev.json" : "dart/dart-v1.1.1-full-dev.json");
        checkSystem(TripleJson.read(data, Optional.empty()), r -> true, system, fixture.get("systems").get(kind + "-" + system + "-all"));
    }

    /** gpt2_decode.py --filter on the test excerpt, whose every fifth entry is in the unseen category Athlete. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"all", "seen", "unseen"})
    void seenAndUnseenFilesAndScoresEqualTheOfficialOnes(String filter) throws Exception {
        Path excerpt = Path.of(getClass().getResource("/fixtures/nlg/webnlg-excerpt.json").toURI());
        java.util.function.Predicate<RawExample> keep = switch (filter) {
            case "seen" -> r -> r.category().orElseThrow().seen();
            case "unseen" -> r -> !r.category().orElseThrow().seen();
            default -> r -> true;
        };
        checkSystem(TripleJson.read(excerpt, Optional.empty()), keep, "swap", fixture.get("systems").get("excerpt-swap-" + filter));
    }

    private void checkSystem(List<RawExample> raw, java.util.function.Predicate<RawExample> keep, String system, JsonNode expected)
            throws IOException, NoSuchAlgorithmException {
        List<Map.Entry<String, List<String>>> groups = GenerationEvalFiles.groups(raw, keep);
        List<Map.Entry<String, List<String>>> uncut = uncutGroups(raw);
        Map<String, Integer> position = new java.util.HashMap<>();
        for (int g = 0; g < uncut.size(); g++) position.put(uncut.get(g).getKey(), g);
        List<GenerationEvalFiles.Segment> segments = new ArrayList<>();
        for (Map.Entry<String, List<String>> group : groups) {
            // The made-up output of an input is chosen among all inputs, whatever the filter keeps.
            int g = position.get(group.getKey());
            String output = switch (system) {
                case "last" -> uncut.get(g).getValue().get(uncut.get(g).getValue().size() - 1);
                case "other" -> uncut.get((g + 1) % uncut.size()).getValue().get(0);
                default -> perturbed(uncut.get(g).getValue().get(0), system);
            };
            segments.add(new GenerationEvalFiles.Segment(GenerationEvalFiles.cut(output), group.getValue()));
        }
        GenerationEvalFiles.write(dir.resolve("hypothesis"), dir.resolve("references"), segments, 6);

        assertThat(sha256(dir.resolve("hypothesis"))).as("hypothesis file").isEqualTo(expected.get("hypothesis_sha256").asText());
        for (int i = 0; i < 6; i++) {
            assertThat(sha256(dir.resolve("references/reference" + i))).as("reference" + i)
                    .isEqualTo(expected.get("references_sha256").get(i).asText());
        }
        GenerationEvalFiles.Texts texts = GenerationEvalFiles.read(dir.resolve("hypothesis"), dir.resolve("references"));
        assertThat(texts.hypothesis()).hasSize(expected.get("segments").asInt());
        GenerationEvalScores scores = GenerationEval.score(texts.hypothesis(), texts.references(), meteor());
        assertScores(scores, expected);
    }

    /** GenerationEval's own English sample (a WebNLG 2020 system, 4 references; its first 200 lines, as written). */
    @Test
    void equalsTheOfficialScorerOnGenerationEvalsSample() throws Exception {
        Path sample = Path.of(getClass().getResource("/fixtures/nlg/generationeval-sample/hypothesis").toURI()).getParent();
        GenerationEvalFiles.Texts texts = GenerationEvalFiles.read(sample.resolve("hypothesis"), sample.resolve("references"));
        assertThat(texts.references()).hasSize(4);
        assertScores(GenerationEval.score(texts.hypothesis(), texts.references(), meteor()),
                fixture.get("systems").get("generationeval-sample"));
    }

    @Test
    void equalsPyterAndChrFOnTheUnitCases() {
        for (JsonNode c : fixture.get("units").get("ter")) {
            if (c.get("ter").isNull()) continue;
            assertThat(Ter.sentence(words(c.get("hyp").asText()), words(c.get("ref").asText()))).as(c.toString())
                    .isCloseTo(c.get("ter").asDouble(), within(1e-12));
        }
        for (JsonNode c : fixture.get("units").get("chrf")) {
            assertThat(ChrF.corpus(List.of(List.of(c.get("refs").asText())), List.of(c.get("hyp").asText()), 99)).as(c.toString())
                    .isCloseTo(c.get("chrf").asDouble(), within(1e-12));
        }
    }

    private static void assertScores(GenerationEvalScores scores, JsonNode expected) {
        assertThat(scores.bleu()).as("BLEU").isCloseTo(expected.get("BLEU").asDouble(), within(1e-4));
        assertThat(scores.meteor()).as("METEOR").isCloseTo(expected.get("METEOR").asDouble(), within(1e-4));
        assertThat(scores.chrfPlusPlus()).as("chrF++").isCloseTo(expected.get("chrF++").asDouble(), within(1e-4));
        assertThat(scores.ter()).as("TER").isCloseTo(expected.get("TER").asDouble(), within(1e-4));
    }

    // The reference script perturbs the completions as read, before gpt2_decode.py's cut.
    private static List<Map.Entry<String, List<String>>> uncutGroups(List<RawExample> raw) {
        java.util.LinkedHashMap<String, List<String>> m = new java.util.LinkedHashMap<>();
        for (RawExample r : raw) m.computeIfAbsent(r.context(), k -> new ArrayList<>()).add(r.completion());
        return List.copyOf(m.entrySet());
    }

    /** make_nlg_fixtures.py's words_perturbed, on Python's split(' '). */
    static String perturbed(String text, String kind) {
        List<String> w = new ArrayList<>(Arrays.asList(text.split(" ", -1)));
        switch (kind) {
            case "swap" -> {
                for (int i = 1; i < w.size() - 1; i += 3) java.util.Collections.swap(w, i, i + 1);
            }
            case "drop" -> {
                List<String> kept = new ArrayList<>();
                for (int i = 0; i < w.size(); i++) if (i % 3 != 2) kept.add(w.get(i));
                w = kept;
            }
            case "rotate" -> {
                int c = w.size() - w.size() / 3;
                List<String> r = new ArrayList<>(w.subList(c, w.size()));
                r.addAll(w.subList(0, c));
                w = r;
            }
            case "half" -> w = new ArrayList<>(w.subList(0, Math.max(1, w.size() / 2)));
            default -> throw new IllegalArgumentException(kind);
        }
        return String.join(" ", w);
    }

    private static List<String> words(String s) {
        return s.isEmpty() ? List.of() : List.of(s.split(" "));
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
