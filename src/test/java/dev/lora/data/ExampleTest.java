package dev.lora.data;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExampleTest {
    // prompt: 10 11 <eos>, completion: 20 21 <eos>
    private final Example ex = new Example(new int[] {10, 11, 50256, 20, 21, 50256}, 3);

    @Test
    void lossCoversPredictionsOfCompletionTokens() {
        assertThat(ex.length()).isEqualTo(6);
        assertThat(ex.lossTokens()).isEqualTo(3);
        assertThat(ex.firstLossPosition()).isEqualTo(2);
        // position t predicts token t+1: 2 -> 20, 3 -> 21, 4 -> eos; 5 predicts nothing in the sequence
        assertThat(new boolean[] {ex.isLossPosition(0), ex.isLossPosition(1), ex.isLossPosition(2),
                ex.isLossPosition(3), ex.isLossPosition(4), ex.isLossPosition(5)})
                .containsExactly(false, false, true, true, true, false);
    }

    @Test
    void splitsIntoContextAndCompletion() {
        assertThat(ex.context()).containsExactly(10, 11, 50256);
        assertThat(ex.completion()).containsExactly(20, 21, 50256);
    }

    @Test
    void valueSemanticsAndDefensiveCopy() {
        int[] tokens = {1, 2, 3};
        Example a = new Example(tokens, 1);
        tokens[0] = 99;
        assertThat(a.tokens()).containsExactly(1, 2, 3);
        assertThat(a).isEqualTo(new Example(new int[] {1, 2, 3}, 1)).hasSameHashCodeAs(new Example(new int[] {1, 2, 3}, 1));
        assertThat(a).isNotEqualTo(new Example(new int[] {1, 2, 3}, 2));
    }

    @Test
    void needsOnePromptAndOneCompletionToken() {
        assertThatThrownBy(() -> new Example(new int[] {1}, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Example(new int[] {1, 2}, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Example(new int[] {1, 2}, 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
