package dev.lora.tokenizer;

import dev.lora.io.InputError;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** UTF-8 both ways round: lenient for model output, strict for user files. */
public final class Utf8 {
    private static final char REPLACEMENT = '\uFFFD';

    private Utf8() {
    }

    /**
     * Decodes UTF-8, replacing each maximal ill-formed subpart with one U+FFFD (Unicode's recommended
     * practice, which is what Python's errors="replace" does). The JDK's decoder differs on some inputs,
     * e.g. it turns an encoded surrogate ED A0 80 into one U+FFFD where Python gives three.
     */
    public static String decodeReplacing(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length);
        int i = 0;
        while (i < bytes.length) {
            int b0 = bytes[i] & 0xFF;
            if (b0 < 0x80) {
                out.append((char) b0);
                i++;
                continue;
            }
            int need;
            int lo = 0x80;
            int hi = 0xBF;
            int cp;
            if (b0 >= 0xC2 && b0 <= 0xDF) {
                need = 2;
                cp = b0 & 0x1F;
            } else if (b0 >= 0xE0 && b0 <= 0xEF) {
                need = 3;
                cp = b0 & 0x0F;
                if (b0 == 0xE0) lo = 0xA0;
                if (b0 == 0xED) hi = 0x9F;
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                need = 4;
                cp = b0 & 0x07;
                if (b0 == 0xF0) lo = 0x90;
                if (b0 == 0xF4) hi = 0x8F;
            } else {
                out.append(REPLACEMENT);
                i++;
                continue;
            }
            int got = 1;
            while (got < need && i + got < bytes.length) {
                int b = bytes[i + got] & 0xFF;
                int min = got == 1 ? lo : 0x80;
                int max = got == 1 ? hi : 0xBF;
                if (b < min || b > max) break;
                cp = (cp << 6) | (b & 0x3F);
                got++;
            }
            if (got == need) {
                out.appendCodePoint(cp);
            } else {
                out.append(REPLACEMENT);
            }
            i += got;
        }
        return out.toString();
    }

    /**
     * Reads a UTF-8 text file strictly and splits it into lines (terminated by \n, \r\n or \r; a final
     * terminator does not start another line). A leading byte-order mark is dropped.
     *
     * @throws InputError naming the file and line of the first invalid byte, or a missing/unreadable file
     */
    public static List<String> readLines(Path file) {
        byte[] bytes = readAll(file);
        String text = decodeStrict(file, bytes);
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') text = text.substring(1);
        List<String> lines = new ArrayList<>();
        int start = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                lines.add(text.substring(start, i));
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') i++;
                start = i + 1;
            }
        }
        if (start < n) lines.add(text.substring(start));
        return lines;
    }

    static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw InputError.reading(file, e);
        }
    }

    private static String decodeStrict(Path file, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int at = in.position();
            throw InputError.at(file, lineOfByte(bytes, at), "invalid UTF-8 (byte 0x"
                    + String.format("%02X", bytes[at] & 0xFF) + " at file offset " + at
                    + "); save the file as UTF-8");
        }
        decoder.flush(out);
        out.flip();
        return out.toString();
    }

    private static int lineOfByte(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n' || (bytes[i] == '\r' && (i + 1 >= bytes.length || bytes[i + 1] != '\n'))) line++;
        }
        return line;
    }
}
