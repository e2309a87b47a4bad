package dev.lora.eval;

import dev.lora.io.InputError;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GateCheckTest {

    private static final List<String> METRICS = List.of("BLEU", "NIST", "ROUGE_L");

    @Test
    void parsesThresholdsIgnoringCaseAndDashes() {
        assertThat(GateCheck.parse(List.of("bleu=0.6", "ROUGE-L = 0.5"), METRICS))
                .containsExactly(new GateCheck.Threshold("BLEU", 0.6), new GateCheck.Threshold("ROUGE_L", 0.5));
    }

    @Test
    void rejectsMalformedSpecs() {
        assertThatThrownBy(() -> GateCheck.parse(List.of("BLEU"), METRICS))
                .isInstanceOf(InputError.class).hasMessageContaining("METRIC=VALUE");
        assertThatThrownBy(() -> GateCheck.parse(List.of("SPICE=1"), METRICS))
                .isInstanceOf(InputError.class).hasMessageContaining("unknown metric 'SPICE'").hasMessageContaining("BLEU");
        assertThatThrownBy(() -> GateCheck.parse(List.of("BLEU=high"), METRICS))
                .isInstanceOf(InputError.class).hasMessageContaining("not a number");
    }

    @Test
    void reportsOnlyScoresBelowTheirThreshold() {
        Map<String, Double> scores = Map.of("BLEU", 0.6, "NIST", 7.9, "ROUGE_L", 0.7);
        List<GateCheck.Threshold> thresholds = List.of(new GateCheck.Threshold("BLEU", 0.6),
                new GateCheck.Threshold("NIST", 8.0), new GateCheck.Threshold("ROUGE_L", 0.5));
        assertThat(GateCheck.check(scores, thresholds)).containsExactly(new GateCheck.Failure("NIST", 7.9, 8.0));
        assertThat(new GateCheck.Failure("NIST", 7.9, 8.0).message()).isEqualTo("NIST = 7.9 is below the required 8.0");
    }
}
