package dev.lora.io;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The validated header of a safetensors file: where each tensor's bytes lie, without reading them.
 * {@code tensors} is in data order; offsets are relative to {@code dataStart}, the first byte after the header.
 */
public record SafetensorsHeader(Path file, long dataStart, Map<String, Entry> tensors, Map<String, String> metadata) {

    /** One tensor's header entry; {@code [begin, end)} are byte offsets into the data section. */
    public record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        public long numel() {
            return Tensor.numel(shape);
        }

        @Override
        public String toString() {
            return name + Arrays.toString(shape) + ":" + dtype + "@[" + begin + "," + end + ")";
        }
    }
}
