package dev.lora.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/** The files written by scripts/reference/make_io_fixtures.py, and the values PyTorch stored beside them. */
final class Fixtures {
    private Fixtures() {
    }

    static Path path(String resource) {
        URL url = Fixtures.class.getResource("/io/" + resource);
        if (url == null) throw new IllegalStateException("missing fixture io/" + resource
                + "; run scripts/reference/make_io_fixtures.py");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String resource) {
        try {
            return new ObjectMapper().readTree(path(resource).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).longValue();
        return out;
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = (int) array.get(i).longValue();
        return out;
    }

    /** PyTorch's values as float32 bit patterns ("bits": unsigned ints), turned back into floats. */
    static float[] floats(JsonNode bits) {
        int[] raw = ints(bits);
        float[] out = new float[raw.length];
        for (int i = 0; i < raw.length; i++) out[i] = Float.intBitsToFloat(raw[i]);
        return out;
    }

    /** The tensors are exactly those PyTorch listed, in its order, each with its dtype, shape and bit pattern. */
    static void assertTensorsMatch(Map<String, Tensor> tensors, JsonNode expected) {
        assertThat(tensors.keySet()).containsExactlyElementsOf(() -> expected.fieldNames());
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Tensor t = tensors.get(e.getKey());
            assertThat(t.name()).isEqualTo(e.getKey());
            assertThat(t.dtype().name()).as(e.getKey()).isEqualTo(e.getValue().get("dtype").textValue());
            assertThat(t.shape()).as(e.getKey()).containsExactly(longs(e.getValue().get("shape")));
            assertThat(bitsOf(t.data())).as(e.getKey()).containsExactly(ints(e.getValue().get("bits")));
        }
    }

    static int[] bitsOf(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) out[i] = Float.floatToRawIntBits(values[i]);
        return out;
    }
}
