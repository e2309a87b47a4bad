package dev.lora.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The safetensors format (Hugging Face): an unsigned 64-bit little-endian header length, a JSON header
 * mapping each tensor name to {dtype, shape, data_offsets} plus an optional "__metadata__" string map,
 * then the raw little-endian tensor data. Reading memory-maps the data; every inconsistency in the
 * header is an {@link InputError} naming the file and the tensor.
 */
public final class Safetensors {
    /** The reference implementation refuses larger headers too; anything above is corruption, not a model. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    static final String METADATA_KEY = "__metadata__";

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Safetensors() {
    }

    /** All tensors, in the order of their data in the file. */
    public static Map<String, Tensor> read(Path file) {
        return read(file, name -> true);
    }

    /** Only the tensors whose names {@code wanted} accepts (the others are never touched), in file order. */
    public static Map<String, Tensor> read(Path file, Predicate<String> wanted) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            SafetensorsHeader header = parseHeader(file, channel);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (SafetensorsHeader.Entry entry : header.tensors().values()) {
                if (!wanted.test(entry.name())) continue;
                float[] values = new float[(int) entry.numel()];
                if (values.length > 0) {
                    ByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY,
                            header.dataStart() + entry.begin(), entry.end() - entry.begin());
                    ElementCodec.decode(bytes, entry.dtype(), 0, values);
                }
                tensors.put(entry.name(), new Tensor(entry.name(), entry.dtype(), entry.shape().clone(), values));
            }
            return tensors;
        } catch (IOException e) {
            throw IoErrors.cannotRead(file, e);
        }
    }

    /** The validated header alone: names, dtypes, shapes, offsets and metadata, without reading any tensor. */
    public static SafetensorsHeader readHeader(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return parseHeader(file, channel);
        } catch (IOException e) {
            throw IoErrors.cannotRead(file, e);
        }
    }

    /** Writes every tensor as {@code out} (F32, F16, BF16 or F64; narrowing rounds to nearest even), atomically. */
    public static void write(Path file, Collection<Tensor> tensors, Map<String, String> metadata, DType out) {
        List<Typed> typed = new ArrayList<>();
        for (Tensor t : tensors) typed.add(new Typed(t, out));
        writeTyped(file, typed, metadata);
    }

    /** As {@link #write(Path, Collection, Map, DType)}, naming each tensor by its map key. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata, DType out) {
        write(file, renamed(tensors), metadata, out);
    }

    /** Writes each tensor in the dtype it remembers ({@link Tensor#dtype()}), atomically. */
    public static void write(Path file, Collection<Tensor> tensors, Map<String, String> metadata) {
        List<Typed> typed = new ArrayList<>();
        for (Tensor t : tensors) typed.add(new Typed(t, t.dtype()));
        writeTyped(file, typed, metadata);
    }

    /** As {@link #write(Path, Collection, Map)}, naming each tensor by its map key. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        write(file, renamed(tensors), metadata);
    }

    private record Typed(Tensor tensor, DType dtype) {
        long bytes() {
            return (long) tensor.data().length * dtype.bytes;
        }
    }

    private static List<Tensor> renamed(Map<String, Tensor> tensors) {
        List<Tensor> list = new ArrayList<>();
        tensors.forEach((name, t) -> list.add(name.equals(t.name()) ? t : t.withName(name)));
        return list;
    }

    private static void writeTyped(Path file, List<Typed> tensors, Map<String, String> metadata) {
        Set<String> names = new HashSet<>();
        for (Typed t : tensors) {
            String name = t.tensor().name();
            if (name.equals(METADATA_KEY) || !names.add(name)) {
                throw new IllegalArgumentException(file + ": tensor name '" + name + "' is reserved or repeated");
            }
        }
        // Wider elements first keeps every tensor aligned to its element size, as the reference writer does;
        // the sort is stable, so tensors of one dtype keep the caller's order.
        List<Typed> ordered = new ArrayList<>(tensors);
        ordered.sort(Comparator.comparingInt((Typed t) -> t.dtype().bytes).reversed());
        byte[] header = encodeHeader(ordered, metadata);
        AtomicFiles.write(file, out -> {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            out.write(header);
            ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (Typed t : ordered) writeData(t, chunk, out);
        });
    }

    private static void writeData(Typed t, ByteBuffer chunk, OutputStream out) throws IOException {
        float[] values = t.tensor().data();
        int perChunk = chunk.capacity() / t.dtype().bytes;
        for (int from = 0; from < values.length; from += perChunk) {
            int to = Math.min(values.length, from + perChunk);
            chunk.clear();
            ElementCodec.encode(values, from, to, t.dtype(), chunk);
            out.write(chunk.array(), 0, chunk.position());
        }
    }

    /** Compact JSON, metadata first, then tensors in data order, padded with spaces to a multiple of 8 bytes. */
    private static byte[] encodeHeader(List<Typed> ordered, Map<String, String> metadata) {
        ObjectNode root = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = root.putObject(METADATA_KEY);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Typed t : ordered) {
            ObjectNode entry = root.putObject(t.tensor().name());
            entry.put("dtype", t.dtype().name());
            ArrayNode shape = entry.putArray("shape");
            for (long d : t.tensor().shape()) shape.add(d);
            entry.putArray("data_offsets").add(offset).add(offset + t.bytes());
            offset += t.bytes();
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a safetensors header", e);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        return header;
    }

    private static SafetensorsHeader parseHeader(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < 8) {
            throw InputError.at(file, 0, "only " + size + " bytes, too short for a safetensors file"
                    + " (it starts with an 8-byte header length)");
        }
        long headerLength = readFully(channel, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw InputError.at(file, 0, "header length " + Long.toUnsignedString(headerLength)
                    + " is absurd (limit " + MAX_HEADER_BYTES + " bytes): not a safetensors file, or corrupted");
        }
        if (headerLength > size - 8) {
            throw InputError.at(file, 0, "header length " + headerLength + " goes beyond the end of the file ("
                    + size + " bytes): the file is truncated or not a safetensors file");
        }
        byte[] json = readFully(channel, 8, (int) headerLength).array();
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw InputError.at(file, 0, "malformed JSON header: " + JsonProblems.describe(e)
                    + "; the file is corrupted or not a safetensors file");
        }
        if (root == null || !root.isObject()) {
            throw InputError.at(file, 0, "the header is not a JSON object; the file is corrupted or not a safetensors file");
        }
        long dataStart = 8 + headerLength;
        long dataLength = size - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<SafetensorsHeader.Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals(METADATA_KEY)) {
                parseMetadata(file, field.getValue(), metadata);
            } else {
                entries.add(parseEntry(file, field.getKey(), field.getValue(), dataLength));
            }
        }
        checkCoverage(file, entries, dataLength);
        Map<String, SafetensorsHeader.Entry> tensors = new LinkedHashMap<>();
        for (SafetensorsHeader.Entry e : entries) tensors.put(e.name(), e);
        return new SafetensorsHeader(file, dataStart, Collections.unmodifiableMap(tensors),
                Collections.unmodifiableMap(metadata));
    }

    private static void parseMetadata(Path file, JsonNode node, Map<String, String> metadata) {
        if (!node.isObject()) {
            throw InputError.at(file, 0, METADATA_KEY + " must be a JSON object of strings, not " + node.getNodeType());
        }
        node.fields().forEachRemaining(f -> {
            if (!f.getValue().isTextual()) {
                throw InputError.at(file, 0, METADATA_KEY + " key '" + f.getKey() + "' must be a string, not "
                        + f.getValue().getNodeType());
            }
            metadata.put(f.getKey(), f.getValue().textValue());
        });
    }

    private static SafetensorsHeader.Entry parseEntry(Path file, String name, JsonNode node, long dataLength) {
        String where = "tensor '" + name + "'";
        if (!node.isObject()) throw InputError.at(file, 0, where + ": header entry is not a JSON object");
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) throw InputError.at(file, 0, where + ": missing \"dtype\" string");
        DType dtype = DType.parse(dtypeNode.textValue(), file + ": " + where);

        long[] shape = longs(file, where, "shape", node.get("shape"), -1);
        for (long d : shape) {
            if (d < 0) throw InputError.at(file, 0, where + ": negative dimension in shape " + Arrays.toString(shape));
        }
        long[] offsets = longs(file, where, "data_offsets", node.get("data_offsets"), 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin < 0 || end < begin) {
            throw InputError.at(file, 0, where + ": invalid data_offsets " + Arrays.toString(offsets));
        }
        if (end > dataLength) {
            throw InputError.at(file, 0, where + ": data_offsets " + Arrays.toString(offsets)
                    + " go beyond the data (" + dataLength + " bytes after the header): the file is truncated");
        }
        long numel;
        long bytes;
        try {
            numel = 1;
            for (long d : shape) numel = Math.multiplyExact(numel, d);
            bytes = Math.multiplyExact(numel, dtype.bytes);
        } catch (ArithmeticException e) {
            throw InputError.at(file, 0, where + ": shape " + Arrays.toString(shape) + " is impossibly large");
        }
        if (bytes != end - begin) {
            throw InputError.at(file, 0, where + ": shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + bytes + " bytes but data_offsets " + Arrays.toString(offsets) + " span " + (end - begin));
        }
        if (numel > Integer.MAX_VALUE - 8) {
            throw InputError.at(file, 0, where + ": " + numel + " elements are more than one array can hold");
        }
        return new SafetensorsHeader.Entry(name, dtype, shape, begin, end);
    }

    private static long[] longs(Path file, String where, String key, JsonNode node, int expectedLength) {
        String expected = expectedLength < 0 ? "an array of integers" : "an array of " + expectedLength + " integers";
        if (node == null || !node.isArray() || (expectedLength >= 0 && node.size() != expectedLength)) {
            throw InputError.at(file, 0, where + ": \"" + key + "\" must be " + expected + ", got " + node);
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw InputError.at(file, 0, where + ": \"" + key + "\" must be " + expected + ", got " + node);
            }
            values[i] = v.longValue();
        }
        return values;
    }

    /** The tensors' byte ranges must tile the data section exactly: no gaps, no overlaps, nothing left over. */
    private static void checkCoverage(Path file, List<SafetensorsHeader.Entry> entries, long dataLength) {
        entries.sort(Comparator.comparingLong(SafetensorsHeader.Entry::begin).thenComparingLong(SafetensorsHeader.Entry::end));
        long covered = 0;
        SafetensorsHeader.Entry previous = null;
        for (SafetensorsHeader.Entry e : entries) {
            if (e.begin() < covered) {
                throw InputError.at(file, 0, "tensor '" + e.name() + "' (data_offsets [" + e.begin() + ", " + e.end()
                        + "]) overlaps tensor '" + previous.name() + "' ([" + previous.begin() + ", " + previous.end() + "])");
            }
            if (e.begin() > covered) {
                throw InputError.at(file, 0, "bytes " + covered + ".." + e.begin() + " before tensor '" + e.name()
                        + "' belong to no tensor: the header's data_offsets do not cover the data");
            }
            covered = e.end();
            previous = e;
        }
        if (covered != dataLength) {
            String after = previous == null ? "the header (there are no tensors)" : "the last tensor '" + previous.name() + "'";
            throw InputError.at(file, 0, (dataLength - covered) + " bytes after " + after
                    + " belong to no tensor: the header's data_offsets do not cover the data");
        }
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) throw new IOException("unexpected end of file");
        }
        return buffer;
    }
}
