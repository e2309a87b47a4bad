package dev.lora.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Records built by component name still run their own checks, and a name that is not a component is refused. */
class RecordValuesTest {
    @Test
    void withReplacesOnlyTheNamedComponents() {
        TrainSettings t = RecordValues.with(TrainSettings.DEFAULTS, Map.of("lr", 1e-3, "seed", 7L));
        assertThat(t.lr()).isEqualTo(1e-3);
        assertThat(t.seed()).isEqualTo(7L);
        assertThat(RecordValues.with(t, Map.of("lr", TrainSettings.DEFAULTS.lr(), "seed", TrainSettings.DEFAULTS.seed())))
                .isEqualTo(TrainSettings.DEFAULTS);
    }

    @Test
    void theRecordsChecksStillRun() {
        assertThatThrownBy(() -> RecordValues.with(LoraSettings.DEFAULTS, Map.of("r", 0)))
                .isInstanceOf(ConfigValueError.class)
                .hasMessage("lora.r = 0 is out of range; it must be an integer >= 1");
    }

    @Test
    void unknownOrMissingComponentsAreRefused() {
        assertThatThrownBy(() -> RecordValues.with(LoraSettings.DEFAULTS, Map.of("rank", 2)))
                .hasMessage("LoraSettings has no component rank");
        assertThatThrownBy(() -> RecordValues.build(LoraSettings.class, Map.of("r", 2)))
                .hasMessageStartingWith("LoraSettings.alpha has no value");
    }
}
