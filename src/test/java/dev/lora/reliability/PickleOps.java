package dev.lora.reliability;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Splits a pickle into its opcodes so mutations land on opcode boundaries and arguments (a byte-level
 * mutant mostly dies at the first opcode it breaks), and builds the mutants.
 */
final class PickleOps {
    /** Opcode, argument bytes after it (-1: length-prefixed with that many length bytes stored in LENGTH_BYTES, -2: lines). */
    private static final int[] ARG = new int[256];
    private static final int[] LENGTH_BYTES = new int[256];
    private static final int[] LINES = new int[256];

    static {
        Arrays.fill(ARG, Integer.MIN_VALUE); // unknown: stop splitting there
        for (char c : "(.012N)]}aebdltoRsuQ".toCharArray()) ARG[c] = 0;
        for (int op : new int[] {0x85, 0x86, 0x87, 0x88, 0x89, 0x81, 0x92, 0x93, 0x94, 0x8f, 0x90, 0x91, 0x97, 0x98}) ARG[op] = 0;
        ARG['K'] = 1; ARG['M'] = 2; ARG['J'] = 4; ARG['q'] = 1; ARG['r'] = 4; ARG['h'] = 1; ARG['j'] = 4; ARG['G'] = 8;
        ARG[0x80] = 1; ARG[0x95] = 8; ARG[0x82] = 1; ARG[0x83] = 2; ARG[0x84] = 4;
        int[][] prefixed = {{'X', 4}, {'T', 4}, {'U', 1}, {'B', 4}, {'C', 1}, {0x8c, 1}, {0x8d, 8}, {0x8e, 8}, {0x96, 8},
                {0x8a, 1}, {0x8b, 4}};
        for (int[] p : prefixed) {
            ARG[p[0]] = -1;
            LENGTH_BYTES[p[0]] = p[1];
        }
        for (char c : "ILFSVPgp".toCharArray()) {
            ARG[c] = -2;
            LINES[c] = 1;
        }
        ARG['c'] = -2; LINES['c'] = 2; ARG['i'] = -2; LINES['i'] = 2;
    }

    /** Snippets that ask a reader for absurd sizes or deep structure; inserted at an opcode boundary. */
    private static final byte[][] NASTY = {
            {'X', (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f}, // BINUNICODE of 2 GiB
            {'B', (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}, // BINBYTES of "-1" bytes
            {(byte) 0x8e, 0, 0, 0, 0, 1, 0, 0, 0}, // BINBYTES8 of 2^32 bytes
            {(byte) 0x8d, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f},
            {(byte) 0x96, 0, 0, 0, (byte) 0x80, 0, 0, 0, 0}, // BYTEARRAY8 of 2 GiB
            {(byte) 0x8b, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f}, // LONG4 of 2 GiB
            {'r', (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f}, // LONG_BINPUT at index 2^31-1
            {'j', (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f}, // LONG_BINGET of an absent index
            {'h', 0x7f}, {'0'}, {'1'}, {'2'}, {'R'}, {'b'}, {'s'}, {'u'}, {'e'}, {'t'}, {'Q'}, {'.'}, {(byte) 0x93},
            {'I', '9', '9', '9', '9', '9', '9', '9', '9', '9', '9', '9', '9', '9', '9', '9', '9', '9', '9', '9', '9', '9', '\n'},
            {'c', 'o', 's', '\n', 's', 'y', 's', 't', 'e', 'm', '\n'}, // a global that must never be called
            {'c', 't', 'o', 'r', 'c', 'h', '\n', 'L', 'o', 'n', 'g', 'S', 't', 'o', 'r', 'a', 'g', 'e', '\n'},
            {'c', 't', 'o', 'r', 'c', 'h', '.', '_', 'u', 't', 'i', 'l', 's', '\n', '_', 'r', 'e', 'b', 'u', 'i', 'l', 'd', '_',
                    't', 'e', 'n', 's', 'o', 'r', '_', 'v', '2', '\n'},
            {'K', 0, 'K', 0, (byte) 0x86, 'K', (byte) 0xff, (byte) 0x85, (byte) 0x89, ')', 'R'},
    };

    private static final long[] INTS = {0, 1, -1, 2, 3, 255, 256, 65535, 0x7fffffffL, 0x80000000L, 0xffffffffL,
            1L << 32, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE};

    private PickleOps() {
    }

    /** [start, end) of each opcode with its arguments; a trailing part that does not parse is one chunk. */
    static List<int[]> split(byte[] p) {
        List<int[]> ops = new ArrayList<>();
        int i = 0;
        while (i < p.length) {
            int op = p[i] & 0xff, end;
            int arg = ARG[op];
            if (arg >= 0) {
                end = i + 1 + arg;
            } else if (arg == -1) {
                int n = LENGTH_BYTES[op];
                if (i + 1 + n > p.length) break;
                long len = littleEndian(p, i + 1, n);
                if (len < 0 || len > p.length) break;
                end = (int) (i + 1 + n + len);
            } else if (arg == -2) {
                end = i + 1;
                for (int l = 0; l < LINES[op]; l++) {
                    while (end < p.length && p[end] != '\n') end++;
                    end++;
                }
            } else {
                break;
            }
            if (end > p.length) break;
            ops.add(new int[] {i, end});
            i = end;
        }
        if (i < p.length) ops.add(new int[] {i, p.length});
        return ops;
    }

    /** One opcode-level mutation of a pickle. */
    static Fuzz.Mutant mutate(byte[] p, Random rng) {
        if (p.length == 0) return new Fuzz.Mutant(NASTY[rng.nextInt(NASTY.length)], "empty pickle replaced by a snippet");
        List<int[]> ops = split(p);
        int[] a = ops.get(rng.nextInt(ops.size())), b = ops.get(rng.nextInt(ops.size()));
        int opA = p[a[0]] & 0xff;
        switch (rng.nextInt(6)) {
            case 0 -> { // an integer argument (or a length prefix) set to an edge value
                int width = ARG[opA] > 0 ? ARG[opA] : ARG[opA] == -1 ? LENGTH_BYTES[opA] : 0;
                if (width == 0 || a[1] - a[0] < 1 + width) return Mutations.bytes(p, rng);
                byte[] out = p.clone();
                long v = INTS[rng.nextInt(INTS.length)];
                for (int k = 0; k < width; k++) out[a[0] + 1 + k] = (byte) (v >>> (8 * k));
                return new Fuzz.Mutant(out, "argument of opcode 0x" + Integer.toHexString(opA) + " at " + a[0] + " set to " + v);
            }
            case 1 -> {
                return new Fuzz.Mutant(Mutations.splice(p, a[0], a[1] - a[0], new byte[0]), "opcode at " + a[0] + " dropped");
            }
            case 2 -> {
                return new Fuzz.Mutant(Mutations.splice(p, a[0], 0, Arrays.copyOfRange(p, b[0], b[1])),
                        "opcode at " + b[0] + " copied to " + a[0]);
            }
            case 3 -> {
                byte[] nasty = NASTY[rng.nextInt(NASTY.length)];
                return new Fuzz.Mutant(Mutations.splice(p, a[0], 0, nasty), "snippet " + Arrays.toString(nasty) + " inserted at " + a[0]);
            }
            case 4 -> {
                byte[] out = p.clone();
                out[a[0]] = (byte) rng.nextInt(256);
                return new Fuzz.Mutant(out, "opcode at " + a[0] + " replaced by 0x" + Integer.toHexString(out[a[0]] & 0xff));
            }
            default -> {
                if (a[0] == b[0]) return Mutations.bytes(p, rng);
                int[] first = a[0] < b[0] ? a : b, second = a[0] < b[0] ? b : a;
                if (first[1] > second[0]) return Mutations.bytes(p, rng);
                byte[] out = Mutations.splice(p, second[0], second[1] - second[0], Arrays.copyOfRange(p, first[0], first[1]));
                out = Mutations.splice(out, first[0], first[1] - first[0], Arrays.copyOfRange(p, second[0], second[1]));
                return new Fuzz.Mutant(out, "opcodes at " + first[0] + " and " + second[0] + " swapped");
            }
        }
    }

    private static long littleEndian(byte[] p, int at, int n) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        b.put(p, at, n);
        return b.getLong(0);
    }
}
