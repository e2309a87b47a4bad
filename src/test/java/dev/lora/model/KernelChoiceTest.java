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

    /** float32 products: OpenBLAS unless asked, or unless the model holds bfloat16 weights; only the host kernels choose. */
    @Test
    void theFloat32Products() {
        assertThat(KernelChoice.named(null, true, null, false).float32Products()).isEqualTo("OpenBLAS");
        assertThat(KernelChoice.named(null, true, "auto", true).float32Products()).startsWith("oneDNN matmul");
        assertThat(KernelChoice.named("host", true, " OneDNN ", false).float32Products()).startsWith("oneDNN matmul");
        assertThat(KernelChoice.named(null, true, "openblas", true).float32Products()).isEqualTo("OpenBLAS");
        assertThat(KernelChoice.named(null, false, null, true).float32Products()).isEqualTo("ND4J's matmul op");
        assertThatThrownBy(() -> KernelChoice.named(null, true, "mkl", false))
                .hasMessageStartingWith("LORA_FLOAT32_PRODUCTS=mkl is not a choice; use openblas, onednn or auto");
        assertThatThrownBy(() -> KernelChoice.named("nd4j", true, "onednn", false))
                .hasMessageStartingWith("LORA_FLOAT32_PRODUCTS=onednn needs the host kernels");
    }
}
