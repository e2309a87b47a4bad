package dev.lora.eval.generate;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GenerationSettingsTest {
    @Test
    void paperDefaultsAreTheLoraE2eDecoding() {
        GenerationSettings s = GenerationSettings.e2ePaperDefaults();
        assertThat(s.decoding()).isEqualTo(Decoding.BEAM);
        assertThat(s.beams()).isEqualTo(10);
        assertThat(s.lengthPenalty()).isEqualTo(0.8);
        assertThat(s.noRepeatNgram()).isEqualTo(4);
        assertThat(s.maxNewTokens()).isEqualTo(64);
        assertThat(s.stopTokens()).containsExactlyInAnyOrder(50256, 628);
        assertThat(s.useCache()).isTrue();
    }

    @Test
    void withersChangeOneThing() {
        GenerationSettings s = GenerationSettings.e2ePaperDefaults();
        assertThat(s.greedy().decoding()).isEqualTo(Decoding.GREEDY);
        GenerationSettings sampled = s.sampling(0.7, 0.9, 5);
        assertThat(sampled).extracting(GenerationSettings::decoding, GenerationSettings::temperature,
                GenerationSettings::topP, GenerationSettings::seed).containsExactly(Decoding.SAMPLE, 0.7, 0.9, 5L);
        assertThat(sampled.withBeams(3)).extracting(GenerationSettings::decoding, GenerationSettings::beams)
                .containsExactly(Decoding.BEAM, 3);
        assertThat(s.withMaxNewTokens(5).maxNewTokens()).isEqualTo(5);
        assertThat(s.withCache(false).useCache()).isFalse();
        assertThat(s.withContextsPerBatch(3).contextsPerBatch()).isEqualTo(3);
    }

    @Test
    void rejectsMeaninglessValues() {
        GenerationSettings s = GenerationSettings.e2ePaperDefaults();
        assertThatThrownBy(() -> s.withBeams(0)).hasMessageContaining("beams");
        assertThatThrownBy(() -> s.withMaxNewTokens(0)).hasMessageContaining("maxNewTokens");
        assertThatThrownBy(() -> s.sampling(0, 0.9, 1)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> s.sampling(1, 0, 1)).hasMessageContaining("topP");
        assertThatThrownBy(() -> s.sampling(1, 1.1, 1)).hasMessageContaining("topP");
        assertThatThrownBy(() -> new GenerationSettings(Decoding.BEAM, 2, 0.8, -1, 5, Set.of(), 1, 1, 0, 1, true))
                .hasMessageContaining("noRepeatNgram");
        assertThatThrownBy(() -> s.withContextsPerBatch(0)).hasMessageContaining("contextsPerBatch");
    }
}
