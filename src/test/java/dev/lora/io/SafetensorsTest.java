package dev.lora.io;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafetensorsTest {
    private static final Path DTYPES = Fixtures.path("safetensors/dtypes.safetensors");
    private static final JsonNode EXPECTED = Fixtures.json("safetensors/expected.json");

    @TempDir
    Path dir;

    @Test
    void readsEveryDtypeWrittenByPyTorchInFileOrder() {
        Map<String, Tensor> tensors = Safetensors.read(DTYPES);

        JsonNode expected = EXPECTED.get("tensors");
        Fixtures.assertTensorsMatch(tensors, expected);
    }

    @Test
    void readsTheHeaderAloneAndOnlyTheWantedTensors() {
        SafetensorsHeader header = Safetensors.readHeader(DTYPES);
        assertThat(header.metadata()).containsExactlyInAnyOrderEntriesOf(
                Map.of("format", "pt", "note", "written by make_io_fixtures.py"));
        assertThat(header.tensors().get("f16").dtype()).isEqualTo(DType.F16);
        assertThat(header.tensors().get("f16").shape()).containsExactly(2, 5);
        assertThat(header.tensors().get("f16").numel()).isEqualTo(10);

        assertThat(Safetensors.read(DTYPES, name -> name.startsWith("bf")).keySet()).containsExactly("bf16");
    }

    @Test
    void roundTripKeepsEveryDtypeShapeValueAndMetadata() {
        Map<String, Tensor> original = Safetensors.read(DTYPES);
        Path copy = dir.resolve("copy.safetensors");
        Safetensors.write(copy, original.values(), Map.of("format", "pt", "step", "7"));

        Map<String, Tensor> again = Safetensors.read(copy);
        assertThat(again.keySet()).containsExactlyInAnyOrderElementsOf(original.keySet());
        original.forEach((name, t) -> {
            Tensor u = again.get(name);
            assertThat(u.dtype()).as(name).isEqualTo(t.dtype());
            assertThat(u.shape()).as(name).containsExactly(t.shape());
            assertThat(Fixtures.bitsOf(u.data())).as(name).containsExactly(Fixtures.bitsOf(t.data()));
        });
        assertThat(Safetensors.readHeader(copy).metadata()).containsExactlyInAnyOrderEntriesOf(Map.of("format", "pt", "step", "7"));
    }

    @Test
    void writingAsHalfOrBFloat16StoresTheBitsPyTorchComputes() throws IOException {
        JsonNode conversion = EXPECTED.get("conversion");
        float[] input = Fixtures.floats(conversion.get("f32_bits"));
        Tensor x = new Tensor("x", DType.F32, new long[]{input.length}, input);

        for (DType out : List.of(DType.F16, DType.BF16)) {
            String key = out == DType.F16 ? "f16" : "bf16";
            Path file = dir.resolve(key + ".safetensors");
            Safetensors.write(file, List.of(x), null, out);

            SafetensorsHeader header = Safetensors.readHeader(file);
            ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            int[] stored = new int[input.length];
            for (int i = 0; i < stored.length; i++) stored[i] = data.getShort((int) header.dataStart() + 2 * i) & 0xffff;
            assertThat(stored).as(key).containsExactly(Fixtures.ints(conversion.get(key + "_bits")));

            Tensor back = Safetensors.read(file).get("x");
            assertThat(back.dtype()).isEqualTo(out);
            assertThat(Fixtures.bitsOf(back.data())).as(key).containsExactly(Fixtures.ints(conversion.get(key + "_as_f32_bits")));
        }
    }

    @Test
    void writesAMapUnderItsKeysAsF32AndF64Exactly() {
        float[] values = {1.5f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, 1e-7f, Float.NEGATIVE_INFINITY};
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("b.weight", new Tensor("ignored", DType.F16, new long[]{2, 3}, values));
        tensors.put("a.bias", new Tensor("a.bias", DType.F32, new long[]{}, new float[]{42f}));
        for (DType out : List.of(DType.F32, DType.F64)) {
            Path file = dir.resolve(out + ".safetensors");
            Safetensors.write(file, tensors, Map.of(), out);
            Map<String, Tensor> back = Safetensors.read(file);
            assertThat(back.keySet()).containsExactly("b.weight", "a.bias");
            assertThat(back.get("b.weight").dtype()).isEqualTo(out);
            assertThat(back.get("b.weight").shape()).containsExactly(2, 3);
            assertThat(Fixtures.bitsOf(back.get("b.weight").data())).containsExactly(Fixtures.bitsOf(values));
            assertThat(back.get("a.bias").shape()).isEmpty();
            assertThat(back.get("a.bias").data()).containsExactly(42f);
        }
    }

    @Test
    void headerIsCompactJsonPaddedWithSpacesToEightBytesAndTensorsAreAligned() throws IOException {
        Path file = dir.resolve("layout.safetensors");
        List<Tensor> tensors = List.of(
                new Tensor("half", DType.F16, new long[]{3}, new float[]{1, 2, 3}),
                new Tensor("wide", DType.F64, new long[]{1}, new float[]{4}),
                new Tensor("single", DType.F32, new long[]{1}, new float[]{5}));
        Safetensors.write(file, tensors, Map.of("k", "v"));

        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertThat(headerLength % 8).isZero();
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{\"__metadata__\":{\"k\":\"v\"},\"wide\":{\"dtype\":\"F64\",\"shape\":[1],"
                + "\"data_offsets\":[0,8]},\"single\":");
        assertThat(header.strip()).endsWith("}");
        assertThat(header.substring(header.lastIndexOf('}') + 1)).matches(" *");
        assertThat(bytes.length).isEqualTo(8 + headerLength + 8 + 4 + 6);
        for (SafetensorsHeader.Entry e : Safetensors.readHeader(file).tensors().values()) {
            assertThat(e.begin() % e.dtype().bytes).as(e.name()).isZero();
        }
    }

    @Test
    void writeLeavesNoTemporaryFileAndReplacesAnOldFile() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Files.writeString(file, "old content");
        Safetensors.write(file, List.of(new Tensor("w", DType.F32, new long[]{1}, new float[]{1})), null, DType.F32);
        assertThat(Safetensors.read(file).get("w").data()).containsExactly(1f);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    static Stream<Arguments> malformed() {
        String a8 = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        return Stream.of(
                Arguments.of("absurd header length", raw(1L << 40, "{}", 0), List.of("header length", "absurd")),
                Arguments.of("header length beyond the file", raw(1000, "{}", 0), List.of("beyond the end of the file")),
                Arguments.of("malformed JSON", file("{" + a8 + ",\"b\":{\"dtype\"", 8), List.of("malformed JSON header")),
                Arguments.of("duplicate tensor", file("{" + a8 + "," + a8 + "}", 8), List.of("malformed JSON", "'a'")),
                Arguments.of("not an object", file("[1,2]", 0), List.of("not a JSON object")),
                Arguments.of("offsets out of range", file("{" + a8 + "}", 4), List.of("tensor 'a'", "beyond the data")),
                Arguments.of("overlap", file("{" + a8 + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12),
                        List.of("tensor 'b'", "overlaps tensor 'a'")),
                Arguments.of("gap between", file("{" + a8 + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", 20),
                        List.of("before tensor 'b'", "belong to no tensor")),
                Arguments.of("gap at start", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12),
                        List.of("bytes 0..4 before tensor 'a'")),
                Arguments.of("bytes left over", file("{" + a8 + "}", 12), List.of("4 bytes after the last tensor 'a'")),
                Arguments.of("size mismatch", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8),
                        List.of("tensor 'a'", "needs 12 bytes", "span 8")),
                Arguments.of("unknown dtype", file("{\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8),
                        List.of("tensor 'a'", "unknown dtype 'I64'")),
                Arguments.of("negative dimension", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8),
                        List.of("tensor 'a'", "negative dimension")),
                Arguments.of("offsets not a pair", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", 8),
                        List.of("tensor 'a'", "data_offsets")),
                Arguments.of("metadata not strings", file("{\"__metadata__\":{\"epoch\":3}," + a8 + "}", 8),
                        List.of("__metadata__", "'epoch'")),
                Arguments.of("too short", new byte[]{1, 2, 3}, List.of("too short")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedFilesAreInputErrorsNamingFileAndTensor(String what, byte[] content, List<String> mentions) throws IOException {
        Path file = dir.resolve("bad.safetensors");
        Files.write(file, content);
        assertThatThrownBy(() -> Safetensors.read(file))
                .isInstanceOf(InputError.class)
                .hasMessageContaining(file.toString())
                .satisfies(e -> assertThat(e.getMessage()).contains(mentions));
        assertThatThrownBy(() -> Safetensors.readHeader(file)).isInstanceOf(InputError.class);
    }

    @Test
    void missingFileIsAnInputError() {
        Path file = dir.resolve("nope.safetensors");
        assertThatThrownBy(() -> Safetensors.read(file)).isInstanceOf(InputError.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("no such file");
    }

    @Test
    void truncatedRealFileIsAnInputError() throws IOException {
        byte[] bytes = Files.readAllBytes(DTYPES);
        Path file = dir.resolve("cut.safetensors");
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        assertThatThrownBy(() -> Safetensors.read(file)).isInstanceOf(InputError.class)
                .hasMessageContaining("beyond the data");
    }

    private static byte[] file(String json, int dataBytes) {
        return raw(json.getBytes(StandardCharsets.UTF_8).length, json, dataBytes);
    }

    private static byte[] raw(long declaredHeaderLength, String json, int dataBytes) {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(declaredHeaderLength).put(header).array();
    }
}
