package dev.lora.io;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HalfFloatsTest {
    private static final JsonNode CONVERSION = Fixtures.json("safetensors/expected.json").get("conversion");

    @Test
    void narrowingToHalfMatchesPyTorchBitForBit() {
        float[] input = Fixtures.floats(CONVERSION.get("f32_bits"));
        int[] expected = Fixtures.ints(CONVERSION.get("f16_bits"));
        int[] actual = new int[input.length];
        for (int i = 0; i < input.length; i++) actual[i] = HalfFloats.floatToF16(input[i]) & 0xffff;
        assertThat(actual).containsExactly(expected);
    }

    @Test
    void narrowingToBFloat16MatchesPyTorchBitForBit() {
        float[] input = Fixtures.floats(CONVERSION.get("f32_bits"));
        int[] expected = Fixtures.ints(CONVERSION.get("bf16_bits"));
        int[] actual = new int[input.length];
        for (int i = 0; i < input.length; i++) actual[i] = HalfFloats.floatToBf16(input[i]) & 0xffff;
        assertThat(actual).containsExactly(expected);
    }

    @Test
    void wideningMatchesPyTorch() {
        int[] f16 = Fixtures.ints(CONVERSION.get("f16_bits"));
        int[] bf16 = Fixtures.ints(CONVERSION.get("bf16_bits"));
        float[] fromF16 = new float[f16.length];
        float[] fromBf16 = new float[bf16.length];
        for (int i = 0; i < f16.length; i++) {
            fromF16[i] = HalfFloats.f16ToFloat(f16[i]);
            fromBf16[i] = HalfFloats.bf16ToFloat(bf16[i]);
        }
        assertThat(Fixtures.bitsOf(fromF16)).containsExactly(Fixtures.ints(CONVERSION.get("f16_as_f32_bits")));
        assertThat(Fixtures.bitsOf(fromBf16)).containsExactly(Fixtures.ints(CONVERSION.get("bf16_as_f32_bits")));
    }

    @Test
    void nanStaysNanWithItsSignInHalfAndBecomesCanonicalInBFloat16() {
        float negativeNan = Float.intBitsToFloat(0xffc00001);
        assertThat(HalfFloats.floatToF16(Float.NaN) & 0xffff).isEqualTo(0x7e00);
        assertThat(HalfFloats.floatToF16(negativeNan) & 0xffff).isEqualTo(0xfe00);
        assertThat(HalfFloats.floatToBf16(negativeNan) & 0xffff).isEqualTo(0x7fc0);
        assertThat(HalfFloats.f16ToFloat(0x7e01)).isNaN();
        assertThat(HalfFloats.bf16ToFloat(0x7fc0)).isNaN();
    }
}
