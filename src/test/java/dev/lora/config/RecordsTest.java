package dev.lora.config;

import dev.lora.io.InputError;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The records validate themselves, so a config built in code (tests, the trainer) is as safe as a loaded one. */
class RecordsTest {
    private static RunConfig config(int maxSeqLen) {
        return new RunConfig("gpt2", Path.of("/o"), new DataConfig(Path.of("/t"), Optional.empty(), maxSeqLen),
                LoraSettings.DEFAULTS, TrainSettings.DEFAULTS);
    }

    @Test
    void rangeErrorsCarryTheirKey() {
        assertThatThrownBy(() -> new LoraSettings(0, 32, 0.1, List.of(LoraTarget.Q), LoraBias.NONE, Optional.empty()))
                .isInstanceOf(ConfigValueError.class).isInstanceOf(InputError.class)
                .satisfies(e -> assertThat(((ConfigValueError) e).key()).isEqualTo("lora.r"))
                .hasMessage("lora.r = 0 is out of range; it must be an integer >= 1");
        assertThatThrownBy(() -> new DataConfig(Path.of("/t"), Optional.empty(), 0))
                .satisfies(e -> assertThat(((ConfigValueError) e).key()).isEqualTo("data.max_seq_len"));
        assertThatThrownBy(() -> new LoraSettings(4, Double.NaN, 0.1, List.of(LoraTarget.Q), LoraBias.NONE,
                Optional.empty())).hasMessage("lora.alpha = NaN is out of range; it must be a finite number > 0");
    }

    @Test
    void targetsAreCopiedSoTheRecordStaysImmutable() {
        List<LoraTarget> targets = new ArrayList<>(List.of(LoraTarget.Q));
        LoraSettings l = new LoraSettings(4, 32, 0.1, targets, LoraBias.NONE, Optional.empty());
        targets.add(LoraTarget.V);
        assertThat(l.targets()).containsExactly(LoraTarget.Q);
        assertThatThrownBy(() -> l.targets().add(LoraTarget.K)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void defaultsAreValidAndScalingIsAlphaOverR() {
        assertThat(LoraSettings.DEFAULTS.scaling()).isEqualTo(8.0);
        assertThat(TrainSettings.DEFAULTS.maxSteps()).isEqualTo(OptionalInt.empty());
    }

    @Test
    void maxSeqLenMustFitTheModelsContext() {
        assertThatCode(() -> config(1024).requireMaxSeqLenWithin(1024)).doesNotThrowAnyException();
        assertThatThrownBy(() -> config(2048).requireMaxSeqLenWithin(1024))
                .isInstanceOf(InputError.class)
                .hasMessage("data.max_seq_len = 2048 is out of range for model 'gpt2'; it must be <= its n_positions"
                        + " (1024): set data.max_seq_len: 1024 or pass --set data.max_seq_len=1024");
    }
}
