package dev.lora.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads and writes tensor elements of a {@link DType} in a little-endian byte buffer, the byte order
 * of both safetensors and PyTorch checkpoints. Indexes are element indexes, not byte offsets, and
 * never move the buffer's position, so one buffer can serve many tensor views.
 */
public final class ElementCodec {
    private ElementCodec() {
    }

    /** Element {@code index} of {@code buffer} (little-endian) widened or narrowed to float. */
    public static float get(ByteBuffer buffer, DType type, long index) {
        int at = Math.toIntExact(index * type.bytes);
        return switch (type) {
            case F32 -> buffer.getFloat(at);
            case F16 -> HalfFloats.f16ToFloat(buffer.getShort(at));
            case BF16 -> HalfFloats.bf16ToFloat(buffer.getShort(at));
            case F64 -> (float) buffer.getDouble(at);
        };
    }

    /** Decodes {@code out.length} consecutive elements starting at element {@code first}. */
    public static void decode(ByteBuffer buffer, DType type, long first, float[] out) {
        ByteBuffer in = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        in.position(Math.toIntExact(first * type.bytes));
        switch (type) {
            case F32 -> in.asFloatBuffer().get(out);
            case F16 -> {
                for (int i = 0; i < out.length; i++) out[i] = HalfFloats.f16ToFloat(in.getShort());
            }
            case BF16 -> {
                for (int i = 0; i < out.length; i++) out[i] = HalfFloats.bf16ToFloat(in.getShort());
            }
            case F64 -> {
                for (int i = 0; i < out.length; i++) out[i] = (float) in.getDouble();
            }
        }
    }

    /** Encodes {@code values[from, to)} as {@code type} at the buffer's position (which must be little-endian). */
    public static void encode(float[] values, int from, int to, DType type, ByteBuffer out) {
        switch (type) {
            case F32 -> {
                out.asFloatBuffer().put(values, from, to - from);
                out.position(out.position() + (to - from) * 4);
            }
            case F16 -> {
                for (int i = from; i < to; i++) out.putShort(HalfFloats.floatToF16(values[i]));
            }
            case BF16 -> {
                for (int i = from; i < to; i++) out.putShort(HalfFloats.floatToBf16(values[i]));
            }
            case F64 -> {
                for (int i = from; i < to; i++) out.putDouble(values[i]);
            }
        }
    }
}
