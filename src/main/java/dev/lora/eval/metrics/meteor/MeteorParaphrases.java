package dev.lora.eval.metrics.meteor;

import dev.lora.io.InputError;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringTokenizer;
import java.util.zip.GZIPInputStream;

/**
 * METEOR 1.5's paraphrase table ({@code paraphrase-en.gz}: groups of three lines, a probability METEOR ignores, a
 * phrase and a paraphrase of it), as a trie over the phrases. {@link #pathsAt} lists the table entries whose phrase
 * starts at a position of a sentence, shortest first and in file order, which is the order METEOR adds matches in.
 * Loading the full table takes memory in proportion to it, as METEOR's own does.
 */
final class MeteorParaphrases {
    private final Map<String, Integer> vocab = new HashMap<>();
    private final Node root = new Node();
    private final List<int[]> paraphrases = new ArrayList<>();

    private static final class Node {
        final Map<Integer, Node> next = new HashMap<>(2);
        int[] entries = new int[0];
    }

    /** An entry of the table whose phrase covers {@code length} words from the position asked about. */
    record Phrase(int length, int[] paraphrase) {
    }

    static MeteorParaphrases read(Path file) {
        MeteorParaphrases table = new MeteorParaphrases();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)),
                StandardCharsets.UTF_8), 1 << 16)) {
            String probability;
            while ((probability = in.readLine()) != null) {
                String phrase = in.readLine(), paraphrase = in.readLine();
                if (phrase == null || paraphrase == null) throw InputError.at(file, 0, "ends inside a group of three lines");
                table.add(phrase, paraphrase);
            }
        } catch (IOException e) {
            throw InputError.reading(file, e);
        }
        return table;
    }

    /** A table from (phrase, paraphrase) pairs, for tests. */
    static MeteorParaphrases of(String... pairs) {
        MeteorParaphrases table = new MeteorParaphrases();
        for (int i = 0; i + 1 < pairs.length; i += 2) table.add(pairs[i], pairs[i + 1]);
        return table;
    }

    int size() {
        return paraphrases.size();
    }

    private void add(String phrase, String paraphrase) {
        int[] from = ids(phrase), to = ids(paraphrase);
        Node n = root;
        for (int w : from) n = n.next.computeIfAbsent(w, k -> new Node());
        n.entries = Arrays.copyOf(n.entries, n.entries.length + 1);
        n.entries[n.entries.length - 1] = paraphrases.size();
        paraphrases.add(to);
    }

    /** Word ids of a sentence; a word the table never uses is -1, which matches nothing. */
    int[] ids(List<String> words) {
        int[] out = new int[words.size()];
        for (int i = 0; i < out.length; i++) out[i] = vocab.getOrDefault(words.get(i), -1);
        return out;
    }

    /** Ids of a table line's words (StringTokenizer's whitespace, as METEOR splits them), added to the vocabulary. */
    private int[] ids(String text) {
        StringTokenizer tok = new StringTokenizer(text);
        int[] out = new int[tok.countTokens()];
        for (int i = 0; i < out.length; i++) out[i] = vocab.computeIfAbsent(tok.nextToken(), k -> vocab.size());
        return out;
    }

    /** The entries whose phrase is words[start, start + length) for some length. */
    List<Phrase> pathsAt(int[] words, int start) {
        List<Phrase> out = new ArrayList<>();
        Node n = root;
        for (int i = start; i < words.length; i++) {
            n = n.next.get(words[i]);
            if (n == null) break;
            for (int e : n.entries) out.add(new Phrase(i - start + 1, paraphrases.get(e)));
        }
        return out;
    }
}
