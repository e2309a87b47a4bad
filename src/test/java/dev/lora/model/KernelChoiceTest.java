package dev.lora.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KernelChoiceTest {
    @Test
    void theChoice() {
        assertThat(KernelChoice.named(null, true).name()).isEqualTo("host");
        assertThat(KernelChoice.named(" AUTO ", false).name()).isEqualTo("nd4j");
        assertThat(KernelChoice.named("nd4j", true).name()).isEqualTo("nd4j");
        assertThatThrownBy(() -> KernelChoice.named("gpu", true)).hasMessageStartingWith("LORA_KERNELS=gpu is not a kernel choice; use host, nd4j or auto");
        assertThatThrownBy(() -> KernelChoice.named("host", false)).hasMessageContaining("needs ND4J's CPU backend");
    }
}
