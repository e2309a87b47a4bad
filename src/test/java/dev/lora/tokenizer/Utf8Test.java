package dev.lora.tokenizer;

import dev.lora.io.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Utf8Test {
    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) out[i] = (byte) b[i];
        return out;
    }

    /** Expected values: Python 3's bytes.decode("utf-8", errors="replace") on the same bytes. */
    @Test
    void replacesLikePython() {
        String r = "\uFFFD";
        assertThat(Utf8.decodeReplacing(bytes(0xE2, 0x82))).isEqualTo(r);
        assertThat(Utf8.decodeReplacing(bytes(0xFF, 0xFE))).isEqualTo(r + r);
        assertThat(Utf8.decodeReplacing(bytes(0xF0, 0x9F, 0x98, 'A'))).isEqualTo(r + "A");
        assertThat(Utf8.decodeReplacing(bytes(0xED, 0xA0, 0x80))).isEqualTo(r + r + r);
        assertThat(Utf8.decodeReplacing(bytes(0xC0, 0xAF))).isEqualTo(r + r);
        assertThat(Utf8.decodeReplacing(bytes(0xF4, 0x90, 0x80, 0x80))).isEqualTo(r + r + r + r);
        assertThat(Utf8.decodeReplacing(bytes(0xE0, 0x80, 0x80))).isEqualTo(r + r + r);
    }

    @Test
    void decodesValidText() {
        String s = "a £ é € 😀 \u0000 end";
        assertThat(Utf8.decodeReplacing(s.getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(s);
    }

    @Test
    void splitsLinesOnAnyTerminator(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("t.txt");
        Files.write(f, bytes(0xEF, 0xBB, 0xBF, 'a', '\r', '\n', 'b', '\n', '\n', 'c', '\r', 'd'));
        assertThat(Utf8.readLines(f)).containsExactly("a", "b", "", "c", "d");
        Files.writeString(f, "x\n");
        assertThat(Utf8.readLines(f)).containsExactly("x");
    }

    @Test
    void invalidUtf8NamesFileAndLine(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.txt");
        Files.write(f, bytes('o', 'k', '\n', 'f', 'i', 'n', 'e', '\r', '\n', 'x', 0xE9, 'y', '\n'));
        assertThatThrownBy(() -> Utf8.readLines(f)).isInstanceOf(InputError.class)
                .hasMessageContaining("bad.txt:3:").hasMessageContaining("UTF-8");
    }

    @Test
    void missingFileIsAnInputError(@TempDir Path dir) {
        assertThatThrownBy(() -> Utf8.readLines(dir.resolve("nope.txt"))).isInstanceOf(InputError.class)
                .hasMessageContaining("nope.txt");
    }
}
