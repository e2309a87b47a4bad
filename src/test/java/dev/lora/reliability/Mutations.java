package dev.lora.reliability;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Mutations of bytes and of JSON/YAML-like text, each returning a new array and saying what it did. */
final class Mutations {
    /** Numbers that break sizes, offsets, ids and indexes. */
    static final String[] NUMBERS = {"0", "-1", "1", "2", "3", "7", "8", "255", "256", "65535", "50256", "50257",
            "2147483647", "2147483648", "-2147483648", "4294967296", "1099511627776", "9223372036854775807",
            "9223372036854775808", "-9223372036854775808", "18446744073709551615", "99999999999999999999999",
            "1e308", "1e309", "-0", "0.5", "1.5", "-1e-9", "NaN", "Infinity", ".nan", ".inf", "1_000", "0x10", "1e3"};
    /** JSON/YAML tokens to splice in: other types, structure, odd strings. */
    static final String[] TOKENS = {"null", "true", "false", "[]", "{}", "[[[[", "]]]]", "{", "}", "[", "]", ",", ":",
            "\"\"", "\"\\ud800\"", "\"\\u0000\"", "\"a\\\"b\"", "'", "\"", "~", "&a", "*a", "!!binary", "- ", "\n", "\n  ",
            "#", "---", "...", "||", "\t", "\u00e9", "\ud83d\ude00", "<|endoftext|>"};
    private static final Pattern TOKEN = Pattern.compile(
            "\"(?:[^\"\\\\\n]++|\\\\.)*+\"|-?[0-9][0-9_.eE+-]*|[A-Za-z_][A-Za-z0-9_.]*|[\\[\\]{}:,]|\\R|[ \\t]+|.",
            Pattern.DOTALL);

    private Mutations() {
    }

    /** One random generic byte-level mutation. */
    static Fuzz.Mutant bytes(byte[] in, Random rng) {
        byte[] b = in.clone();
        switch (rng.nextInt(7)) {
            case 0 -> {
                int n = 1 + rng.nextInt(8);
                for (int i = 0; i < n && b.length > 0; i++) b[rng.nextInt(b.length)] ^= (byte) (1 << rng.nextInt(8));
                return new Fuzz.Mutant(b, n + " bit flips");
            }
            case 1 -> {
                int at = rng.nextInt(b.length + 1);
                return new Fuzz.Mutant(Arrays.copyOf(b, at), "truncated to " + at);
            }
            case 2 -> {
                int at = rng.nextInt(b.length + 1), n = 1 + rng.nextInt(16);
                byte[] ins = new byte[n];
                rng.nextBytes(ins);
                return new Fuzz.Mutant(splice(b, at, 0, ins), n + " random bytes inserted at " + at);
            }
            case 3 -> {
                if (b.length == 0) return new Fuzz.Mutant(b, "nothing to delete");
                int at = rng.nextInt(b.length), n = Math.min(b.length - at, 1 + rng.nextInt(16));
                return new Fuzz.Mutant(splice(b, at, n, new byte[0]), n + " bytes deleted at " + at);
            }
            case 4 -> {
                int n = 1 + rng.nextInt(4);
                byte[] interesting = {0, (byte) 0xFF, 0x7F, (byte) 0x80, '"', '{', '\n', (byte) 0xC3};
                for (int i = 0; i < n && b.length > 0; i++) b[rng.nextInt(b.length)] = interesting[rng.nextInt(interesting.length)];
                return new Fuzz.Mutant(b, n + " bytes set to edge values");
            }
            case 5 -> {
                if (b.length < 2) return new Fuzz.Mutant(b, "too short to duplicate");
                int from = rng.nextInt(b.length), n = Math.min(b.length - from, 1 + rng.nextInt(64)), at = rng.nextInt(b.length);
                return new Fuzz.Mutant(splice(b, at, 0, Arrays.copyOfRange(b, from, from + n)),
                        n + " bytes from " + from + " copied to " + at);
            }
            default -> {
                int cut = b.length == 0 ? 0 : rng.nextInt(b.length);
                return new Fuzz.Mutant(Arrays.copyOf(b, cut + rng.nextInt(Math.max(1, b.length - cut) + 1)),
                        "cut, maybe with zeros appended");
            }
        }
    }

    /** One random token-level mutation of JSON or YAML text: swap, replace, drop or duplicate tokens. */
    static Fuzz.Mutant text(String in, Random rng) {
        List<String> t = tokens(in);
        if (t.isEmpty()) return new Fuzz.Mutant(in.getBytes(StandardCharsets.UTF_8), "empty");
        int i = rng.nextInt(t.size()), j = rng.nextInt(t.size());
        String how;
        switch (rng.nextInt(7)) {
            case 0 -> {
                String a = t.get(i);
                t.set(i, t.get(j));
                t.set(j, a);
                how = "tokens " + i + " and " + j + " swapped";
            }
            case 1 -> {
                int n = numberAt(t, rng);
                String v = NUMBERS[rng.nextInt(NUMBERS.length)];
                how = "number token " + n + " (" + t.get(n) + ") replaced by " + v;
                t.set(n, v);
            }
            case 2 -> {
                String v = TOKENS[rng.nextInt(TOKENS.length)];
                how = "token " + i + " (" + t.get(i) + ") replaced by " + v.replace("\n", "\\n");
                t.set(i, v);
            }
            case 3 -> {
                String v = TOKENS[rng.nextInt(TOKENS.length)];
                t.add(i, v);
                how = "token " + v.replace("\n", "\\n") + " inserted at " + i;
            }
            case 4 -> {
                how = "token " + i + " (" + t.get(i).replace("\n", "\\n") + ") dropped";
                t.remove(i);
            }
            case 5 -> {
                t.add(i, t.get(j));
                how = "token " + j + " copied to " + i;
            }
            default -> {
                String other = t.get(j);
                how = "token " + i + " (" + t.get(i).replace("\n", "\\n") + ") replaced by token " + j;
                t.set(i, other);
            }
        }
        return new Fuzz.Mutant(String.join("", t).getBytes(StandardCharsets.UTF_8), how);
    }

    /** Applies 1..3 mutations, each either token-level (on text that decodes) or byte-level. */
    static Fuzz.Mutant any(byte[] seed, Random rng, double textShare) {
        byte[] b = seed;
        List<String> hows = new ArrayList<>();
        int n = 1 + rng.nextInt(3);
        for (int k = 0; k < n; k++) {
            Fuzz.Mutant m = rng.nextDouble() < textShare ? text(new String(b, StandardCharsets.UTF_8), rng) : bytes(b, rng);
            b = m.bytes();
            hows.add(m.how());
        }
        return new Fuzz.Mutant(b, String.join("; ", hows));
    }

    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) out.add(m.group());
        return out;
    }

    private static int numberAt(List<String> t, Random rng) {
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            if (!t.get(i).isEmpty() && (Character.isDigit(t.get(i).charAt(0)) || t.get(i).startsWith("-"))) numbers.add(i);
        }
        return numbers.isEmpty() ? rng.nextInt(t.size()) : numbers.get(rng.nextInt(numbers.size()));
    }

    static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + insert.length);
        out.write(b, 0, at);
        out.write(insert, 0, insert.length);
        out.write(b, at + remove, b.length - at - remove);
        return out.toByteArray();
    }
}
