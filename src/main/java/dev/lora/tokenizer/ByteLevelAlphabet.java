package dev.lora.tokenizer;

/**
 * GPT-2's reversible byte-to-character table ({@code bytes_to_unicode} in OpenAI's encoder.py).
 * vocab.json and merges.txt spell every token with these 256 characters, one per byte, so that no token
 * string contains whitespace or control characters. Printable Latin-1 bytes stand for themselves; the other
 * 68 bytes map, in byte order, to U+0100 onwards.
 */
final class ByteLevelAlphabet {
    private static final char[] BYTE_TO_CHAR = new char[256];
    /** Bytes in GPT-2's rank order: the self-mapped printable ones first, then the rest. */
    private static final byte[] RANK_ORDER = new byte[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int rank = 0;
        for (int b = 0; b < 256; b++) {
            if (selfMapped(b)) {
                BYTE_TO_CHAR[b] = (char) b;
                RANK_ORDER[rank++] = (byte) b;
            }
        }
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            if (!selfMapped(b)) {
                BYTE_TO_CHAR[b] = (char) (256 + shifted++);
                RANK_ORDER[rank++] = (byte) b;
            }
        }
        for (int b = 0; b < 256; b++) {
            CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = b;
        }
    }

    private ByteLevelAlphabet() {
    }

    private static boolean selfMapped(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    /** The byte at position {@code rank} of GPT-2's byte order (its id in GPT-2's vocabulary). */
    static byte byteAtRank(int rank) {
        return RANK_ORDER[rank];
    }

    static char charOf(byte b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The bytes a token string stands for, or null if it has a character outside the alphabet. */
    static byte[] bytesOf(String token) {
        byte[] out = new byte[token.length()];
        for (int i = 0; i < out.length; i++) {
            char c = token.charAt(i);
            int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
            if (b < 0) return null;
            out[i] = (byte) b;
        }
        return out;
    }

    static String stringOf(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length);
        for (byte b : bytes) sb.append(charOf(b));
        return sb.toString();
    }
}
