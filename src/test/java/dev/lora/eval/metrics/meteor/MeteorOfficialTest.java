package dev.lora.eval.metrics.meteor;

import dev.lora.data.ScoringInputs;
import dev.lora.eval.metrics.E2eMetrics;
import dev.lora.tokenizer.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * METEOR with METEOR 1.5's own English data (../shared/data/meteor: function words, WordNet synonyms; no
 * paraphrase table) against the official scorer run the same way on the challenge's test set: the figures in that
 * folder's README (tuetschek/e2e-metrics with meteor-1.5, paraphrases off). Within 1e-4, the figures' own
 * precision; BLEU, NIST, ROUGE-L and CIDEr of the same runs are checked against the published values elsewhere.
 */
class MeteorOfficialTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({"slug, 0.4435", "tuda, 0.4517", "zhang, 0.4357"})
    void equalsTheOfficialNoParaphraseMeteor(String system, double official) {
        Path data = SharedData.require("meteor/english.synsets").getParent();
        Path refs = SharedData.require("e2e/testset_w_refs.csv"), outputs = SharedData.require("e2e/systems/" + system + ".tsv");
        MeteorResources meteor = MeteorResources.load(data, true);
        assertThat(meteor.modules()).containsExactly("exact", "stem", "synonym");
        assertThat(meteor.officialFunctionWords()).isTrue();
        ScoringInputs.References r = ScoringInputs.readReferences(refs);
        List<String> predictions = ScoringInputs.readPredictions(outputs, r);
        assertThat(E2eMetrics.score(r.groups(), predictions, meteor).meteor()).isCloseTo(official, within(1e-4));
    }
}
