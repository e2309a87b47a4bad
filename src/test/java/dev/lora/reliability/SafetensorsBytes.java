package dev.lora.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A safetensors file split into its header JSON and data, to forge headers that lie about the data. */
record SafetensorsBytes(ObjectNode header, byte[] data) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static SafetensorsBytes parse(byte[] file) {
        long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        try {
            ObjectNode header = (ObjectNode) JSON.readTree(new String(file, 8, (int) n, StandardCharsets.UTF_8));
            return new SafetensorsBytes(header, Arrays.copyOfRange(file, 8 + (int) n, file.length));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file again: length, the (possibly edited) header, the data. */
    byte[] bytes() {
        return join(header.toString().getBytes(StandardCharsets.UTF_8), data);
    }

    static byte[] join(byte[] json, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        return b.putLong(json.length).put(json).put(data).array();
    }

    /** Byte offset in {@code data} of element {@code index} of a tensor (F32). */
    int offsetOf(String tensor, int index) {
        return header.get(tensor).get("data_offsets").get(0).asInt() + 4 * index;
    }
}
