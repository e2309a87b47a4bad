package dev.lora.io;

/**
 * Bit-level conversions between float and the two 16-bit float formats. Narrowing rounds to nearest,
 * ties to even, as PyTorch's {@code .half()} and {@code .bfloat16()} do, so a file written here holds the
 * same bits PyTorch would write. (Java 17 has no Float.floatToFloat16.)
 */
public final class HalfFloats {
    private HalfFloats() {
    }

    /** IEEE binary16 bits (low 16 bits of the argument) to float; exact. */
    public static float f16ToFloat(int bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // Subnormal (or zero): mantissa units of 2^-24, exactly representable as float.
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** float to IEEE binary16 bits, round to nearest even; overflow gives infinity, NaN stays NaN. */
    public static short floatToF16(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7fffffff;
        if (abs > 0x7f800000) return (short) (sign | 0x7e00);
        // 65520 is half-way between 65504 (largest half, odd mantissa) and 65536, so it rounds up to infinity.
        if (abs >= 0x477ff000) return (short) (sign | 0x7c00);
        if (abs >= 0x38800000) {
            // Normal in half precision: re-bias the exponent (127 -> 15) and round away 13 mantissa bits.
            int half = (abs - 0x38000000) >>> 13;
            return (short) (sign | roundHalfEven(half, abs & 0x1fff, 13));
        }
        if (abs <= 0x33000000) return (short) sign; // at most 2^-25: rounds to (signed) zero
        // Subnormal in half precision: the value in units of 2^-24 is mantissa * 2^(exponent - 126).
        int exponent = abs >>> 23;
        int mantissa = (abs & 0x7fffff) | 0x800000;
        int shift = 126 - exponent;
        return (short) (sign | roundHalfEven(mantissa >>> shift, mantissa & ((1 << shift) - 1), shift));
    }

    /** bfloat16 bits (low 16 bits of the argument) to float; exact. */
    public static float bf16ToFloat(int bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** float to bfloat16 bits, round to nearest even; NaN becomes the canonical 0x7fc0 as in PyTorch. */
    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7fffffff) > 0x7f800000) return (short) 0x7fc0;
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7fff + lsb) >>> 16);
    }

    /** Adds one to {@code kept} when the {@code droppedBits}-bit remainder is above half, or exactly half and kept is odd. */
    private static int roundHalfEven(int kept, int remainder, int droppedBits) {
        int half = 1 << (droppedBits - 1);
        if (remainder > half || (remainder == half && (kept & 1) == 1)) kept++;
        return kept;
    }
}
