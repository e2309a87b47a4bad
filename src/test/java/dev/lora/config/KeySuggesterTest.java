package dev.lora.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KeySuggesterTest {
    @Test
    void otherToolsNamesMapToOurs() {
        assertThat(KeySuggester.suggest("train", "learning_rate")).hasValue("train.lr");
        assertThat(KeySuggester.suggest("train", "Learning-Rate")).hasValue("train.lr");
        assertThat(KeySuggester.suggest("train", "adam_epsilon")).hasValue("train.eps");
        assertThat(KeySuggester.suggest("train", "random_seed")).hasValue("train.seed");
        assertThat(KeySuggester.suggest("lora", "lora_dim")).hasValue("lora.r");
        assertThat(KeySuggester.suggest("", "output_dir")).hasValue("output");
    }

    @Test
    void keysOfAnotherSectionPointThere() {
        assertThat(KeySuggester.suggest("", "lr")).hasValue("train.lr");
        assertThat(KeySuggester.suggest("train", "dropout")).hasValue("lora.dropout");
        assertThat(KeySuggester.suggest("lora", "learning_rate")).hasValue("train.lr");
        assertThat(KeySuggester.suggest("", "max_seq_len")).hasValue("data.max_seq_len");
    }

    @Test
    void typosAndPrefixes() {
        assertThat(KeySuggester.suggest("train", "epoch")).hasValue("train.epochs");
        assertThat(KeySuggester.suggest("train", "weightdecay")).hasValue("train.weight_decay");
        assertThat(KeySuggester.suggest("lora", "tragets")).hasValue("lora.targets");
        assertThat(KeySuggester.suggest("train", "save_total")).hasValue("train.save_total_limit");
        assertThat(KeySuggester.suggest("train", "alpah")).hasValue("lora.alpha");
    }

    @Test
    void nothingCloseGivesNoSuggestion() {
        assertThat(KeySuggester.suggest("lora", "flavour")).isEmpty();
        assertThat(KeySuggester.nearest("x", List.of("q", "k", "v"))).isEmpty();
    }

    @Test
    void distanceCountsTranspositionsAsOneEdit() {
        assertThat(KeySuggester.distance("alpha", "alpha")).isZero();
        assertThat(KeySuggester.distance("alpah", "alpha")).isEqualTo(1);
        assertThat(KeySuggester.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(KeySuggester.distance("", "lr")).isEqualTo(2);
    }
}
