package dev.lora.io;

/** Element types of stored tensors (safetensors names). Values are held in memory as float. */
public enum DType {
    F32(4), F16(2), BF16(2), F64(8);

    public final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Parses a safetensors / CLI dtype name ("F32", "f16", "bf16"), or throws naming the accepted ones. */
    public static DType parse(String name, String where) {
        for (DType t : values()) {
            if (t.name().equalsIgnoreCase(name)) return t;
        }
        throw new InputError(where + ": unknown dtype '" + name + "' (expected F32, F16, BF16 or F64)");
    }
}
