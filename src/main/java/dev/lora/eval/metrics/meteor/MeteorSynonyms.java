package dev.lora.eval.metrics.meteor;

import dev.lora.io.InputError;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringTokenizer;

/**
 * METEOR 1.5's synonym module data: WordNet 3.0 synsets per word ({@code english.synsets}) and the morphological
 * exceptions ({@code english.exceptions}). Two different words match when their synset sets intersect, a word's set
 * being its own synsets plus those of its base form: the bases the exceptions list for it, or else the base
 * WordNet's suffix rules give ({@link #base}).
 */
final class MeteorSynonyms {
    // WordNet 3.0's detachment rules in METEOR's order: nouns, verbs, adjectives (suffix, replacement).
    private static final String[][] RULES = {
            {"s", ""}, {"ses", "s"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"}, {"men", "man"}, {"ies", "y"},
            {"s", ""}, {"ies", "y"}, {"es", "e"}, {"es", ""}, {"ed", "e"}, {"ed", ""}, {"ing", "e"}, {"ing", ""},
            {"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}};
    private static final int[] NONE = new int[0];

    /** Sorted synset numbers of each word of the synsets file. */
    private final Map<String, int[]> synsets;
    /** The bases of each inflected form of the exceptions file, in file order. */
    private final Map<String, List<String>> bases;

    /** Synset arrays are sorted here (the intersection merges them); the maps are used as given. */
    MeteorSynonyms(Map<String, int[]> synsets, Map<String, List<String>> bases) {
        synsets.values().forEach(Arrays::sort);
        this.synsets = synsets;
        this.bases = bases;
    }

    static MeteorSynonyms read(Path synsetsFile, Path exceptionsFile) {
        Map<String, int[]> synsets = new HashMap<>(1 << 18);
        Map<String, List<String>> bases = new HashMap<>(1 << 15);
        pairs(synsetsFile, (word, numbers) -> {
            StringTokenizer tok = new StringTokenizer(numbers);
            int[] sets = new int[tok.countTokens()];
            for (int i = 0; i < sets.length; i++) sets[i] = Integer.parseInt(tok.nextToken());
            synsets.put(word, sets);
        });
        pairs(exceptionsFile, (base, forms) -> {
            StringTokenizer tok = new StringTokenizer(forms);
            while (tok.hasMoreTokens()) bases.computeIfAbsent(tok.nextToken(), k -> new ArrayList<>(1)).add(base);
        });
        return new MeteorSynonyms(synsets, bases);
    }

    int size() {
        return synsets.size();
    }

    /** The word's synsets and its base forms' synsets, sorted and without repeats. */
    int[] synsetsOf(String word) {
        int[] own = synsets.getOrDefault(word, NONE);
        List<String> listed = bases.get(word);
        int[] stem;
        if (listed != null) {
            stem = NONE;
            for (String b : listed) stem = union(stem, synsets.getOrDefault(b, NONE));
        } else {
            stem = synsets.getOrDefault(base(word), NONE);
        }
        return union(own, stem);
    }

    /**
     * WordNet's morphological base of a word not in the exceptions: itself when it ends in "ss" or has at most 2
     * characters; else the first rule whose suffix the word ends with and whose result is a word of the synsets file;
     * else none ("", which has no synsets).
     */
    String base(String word) {
        if (word.endsWith("ss") || word.length() <= 2) return word;
        for (String[] rule : RULES) {
            if (!word.endsWith(rule[0])) continue;
            String candidate = word.substring(0, word.length() - rule[0].length()) + rule[1];
            if (synsets.containsKey(candidate)) return candidate;
        }
        return "";
    }

    static boolean intersect(int[] a, int[] b) {
        for (int i = 0, j = 0; i < a.length && j < b.length; ) {
            if (a[i] == b[j]) return true;
            if (a[i] < b[j]) i++;
            else j++;
        }
        return false;
    }

    private static int[] union(int[] a, int[] b) {
        if (b.length == 0) return a;
        if (a.length == 0) return b;
        int[] out = new int[a.length + b.length];
        int n = 0, i = 0, j = 0;
        while (i < a.length || j < b.length) {
            int next = j == b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
            if (i < a.length && a[i] == next) i++;
            if (j < b.length && b[j] == next) j++;
            out[n++] = next;
        }
        return Arrays.copyOf(out, n);
    }

    private interface PairSink {
        void accept(String first, String second);
    }

    /** The files are pairs of lines: a word, then its numbers or forms. */
    private static void pairs(Path file, PairSink sink) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String first;
            while ((first = in.readLine()) != null) {
                String second = in.readLine();
                if (second == null) throw InputError.at(file, 0, "ends after '" + first + "' without its second line");
                sink.accept(first, second);
            }
        } catch (IOException e) {
            throw InputError.reading(file, e);
        } catch (NumberFormatException e) {
            throw InputError.at(file, 0, "holds a synset number that is not a number (" + e.getMessage() + ")");
        }
    }
}
