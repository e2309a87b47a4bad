package dev.lora.eval.metrics.meteor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * METEOR 1.5's aligner with its English modules (exact, stem, and where their data is there, synonym and
 * paraphrase): every candidate match is collected in METEOR's order, unambiguous one-to-one matches are fixed,
 * and a left-to-right beam search (width 40)
 * over the reference picks the alignment with the most (search-weighted) matched words, then the
 * fewest chunks, then the least distance. The search reproduces METEOR's own arithmetic, including
 * its integer truncation of weighted match counts and where it adds up distances, because those
 * decide ties between alignments.
 */
final class MeteorAligner {

    static final int EXACT = 0;
    static final int STEM = 1;
    static final int SYNONYM = 2;
    static final int PARAPHRASE = 3;
    /** METEOR's English module list: exact, stem, synonym, paraphrase. */
    static final int MODULES = 4;
    private static final int BEAM_SIZE = 40;
    // METEOR's scorer swaps these search weights in for the configured module weights while aligning.
    private static final double[] SEARCH_WEIGHTS = {1.0, 0.5, 0.5, 0.5};

    private final UnaryOperator<String> stemmer;
    private final Set<String> functionWords;
    private final Optional<MeteorSynonyms> synonyms;
    private final Optional<MeteorParaphrases> paraphrases;

    MeteorAligner(UnaryOperator<String> stemmer, MeteorResources resources) {
        this.stemmer = stemmer;
        this.functionWords = resources.functionWords();
        this.synonyms = resources.synonyms();
        this.paraphrases = resources.paraphrases();
    }

    /** A match of reference words [start, start+length) with hypothesis words [matchStart, ...). */
    record Match(int module, int start, int length, int matchStart, int matchLength) {
    }

    /** The chosen alignment of one hypothesis (line 1) with one reference (line 2), as METEOR counts it. */
    record Alignment(int hypLength, int refLength, int hypFunctionWords, int refFunctionWords,
                     int[] hypContentMatches, int[] refContentMatches, int[] hypFunctionMatches,
                     int[] refFunctionMatches, int chunks, int hypMatches, int refMatches) {
    }

    Alignment align(List<String> hyp, List<String> ref) {
        int[] hypKeys = hyp.stream().mapToInt(String::hashCode).toArray();
        int[] refKeys = ref.stream().mapToInt(String::hashCode).toArray();
        List<List<Match>> matches = new ArrayList<>();
        for (int j = 0; j < ref.size(); j++) matches.add(new ArrayList<>());
        int[] hypCoverage = new int[hyp.size()];
        int[] refCoverage = new int[ref.size()];

        // Identical lines only need exact matches (METEOR does this to avoid beam search errors).
        boolean identical = Arrays.equals(hypKeys, refKeys);
        // METEOR compares words by String.hashCode, so a hash collision counts as a match; kept.
        for (int j = 0; j < ref.size(); j++) {
            for (int i = 0; i < hyp.size(); i++) {
                if (hypKeys[i] == refKeys[j]) addMatch(new Match(EXACT, j, 1, i, 1), matches, hypCoverage, refCoverage);
            }
        }
        if (!identical) {
            int[] hypStems = hyp.stream().mapToInt(w -> stemmer.apply(w).hashCode()).toArray();
            int[] refStems = ref.stream().mapToInt(w -> stemmer.apply(w).hashCode()).toArray();
            for (int j = 0; j < ref.size(); j++) {
                for (int i = 0; i < hyp.size(); i++) {
                    // different words with the same stem
                    if (hypStems[i] == refStems[j] && hypKeys[i] != refKeys[j]) {
                        addMatch(new Match(STEM, j, 1, i, 1), matches, hypCoverage, refCoverage);
                    }
                }
            }
            synonyms.ifPresent(syn -> matchSynonyms(syn, hyp, ref, hypKeys, refKeys, matches, hypCoverage, refCoverage));
            paraphrases.ifPresent(table -> matchParaphrases(table, hyp, ref, matches, hypCoverage, refCoverage));
        }

        Path start = new Path(new Match[ref.size()], new boolean[hyp.size()], new boolean[ref.size()]);
        // One-to-one matches that overlap no other match are certain.
        for (int j = 0; j < ref.size(); j++) {
            if (matches.get(j).size() != 1) continue;
            Match m = matches.get(j).get(0);
            boolean overlap = false;
            for (int k = 0; k < m.length(); k++) overlap |= refCoverage[j + k] != 1;
            for (int k = 0; k < m.matchLength(); k++) overlap |= hypCoverage[m.matchStart() + k] != 1;
            if (!overlap) {
                start.matches[j] = m;
                start.setUsed(m);
            }
        }
        Path best = search(matches, start);
        return count(hyp, ref, best.matches);
    }

    /** Different words whose synset sets (own and base forms', see MeteorSynonyms) intersect. */
    private static void matchSynonyms(MeteorSynonyms syn, List<String> hyp, List<String> ref, int[] hypKeys, int[] refKeys,
                                      List<List<Match>> matches, int[] hypCoverage, int[] refCoverage) {
        int[][] hypSets = hyp.stream().map(syn::synsetsOf).toArray(int[][]::new);
        int[][] refSets = ref.stream().map(syn::synsetsOf).toArray(int[][]::new);
        for (int j = 0; j < ref.size(); j++) {
            for (int i = 0; i < hyp.size(); i++) {
                if (hypKeys[i] != refKeys[j] && MeteorSynonyms.intersect(hypSets[i], refSets[j])) {
                    addMatch(new Match(SYNONYM, j, 1, i, 1), matches, hypCoverage, refCoverage);
                }
            }
        }
    }

    /**
     * Phrases of one side that the table lists as paraphrases of a phrase of the other, in both directions: first
     * reference phrases found in the hypothesis, then hypothesis phrases found in the reference (METEOR's order).
     */
    private static void matchParaphrases(MeteorParaphrases table, List<String> hyp, List<String> ref,
                                         List<List<Match>> matches, int[] hypCoverage, int[] refCoverage) {
        int[] h = table.ids(hyp), r = table.ids(ref);
        for (int j = 0; j < r.length; j++) {
            for (MeteorParaphrases.Phrase p : table.pathsAt(r, j)) {
                for (int i = 0; i < h.length; i++) {
                    if (occursAt(p.paraphrase(), h, i)) {
                        addMatch(new Match(PARAPHRASE, j, p.length(), i, p.paraphrase().length), matches, hypCoverage, refCoverage);
                    }
                }
            }
        }
        for (int i = 0; i < h.length; i++) {
            for (MeteorParaphrases.Phrase p : table.pathsAt(h, i)) {
                for (int j = 0; j < r.length; j++) {
                    if (occursAt(p.paraphrase(), r, j)) {
                        addMatch(new Match(PARAPHRASE, j, p.paraphrase().length, i, p.length()), matches, hypCoverage, refCoverage);
                    }
                }
            }
        }
    }

    private static boolean occursAt(int[] phrase, int[] words, int at) {
        for (int k = 0; k < phrase.length; k++) if (at + k == words.length || words[at + k] != phrase[k]) return false;
        return true;
    }

    private static void addMatch(Match m, List<List<Match>> matches, int[] hypCoverage, int[] refCoverage) {
        matches.get(m.start()).add(m);
        for (int k = 0; k < m.matchLength(); k++) hypCoverage[m.matchStart() + k]++;
        for (int k = 0; k < m.length(); k++) refCoverage[m.start() + k]++;
    }

    /** METEOR's ordering of partial alignments: more weighted matches, then fewer chunks, then less distance. */
    private static final Comparator<Path> BEST_FIRST = (x, y) -> {
        int matchDiff = (y.matches1 + y.matches2) - (x.matches1 + x.matches2);
        if (matchDiff != 0) return matchDiff > 0 ? 1 : -1;
        if (x.chunks != y.chunks) return x.chunks - y.chunks;
        return x.distance - y.distance;
    };

    private static Path search(List<List<Match>> matches, Path start) {
        List<Path> next = new ArrayList<>();
        next.add(start);
        int refLength = matches.size();
        for (int current = 0; current <= refLength; current++) {
            List<Path> paths = next;
            next = new ArrayList<>();
            paths.sort(BEST_FIRST); // stable, like Collections.sort
            for (int rank = 0; rank < BEAM_SIZE && rank < paths.size(); rank++) {
                Path path = paths.get(rank);
                if (current == refLength) {
                    if (path.lastMatchEnd != -1) path.chunks++;
                    next.add(path);
                    continue;
                }
                if (path.refUsed[current]) {
                    if (current < path.idx) {
                        next.add(path); // inside a match already taken
                    } else if (path.matches[path.idx] != null) {
                        Match m = path.matches[path.idx]; // a match fixed in advance
                        path.take(m);
                        path.distance += Math.abs(m.start() - m.matchStart());
                        next.add(path);
                    }
                    continue;
                }
                for (Match m : matches.get(current)) {
                    if (path.isUsed(m)) continue;
                    Path extended = new Path(path);
                    extended.setUsed(m);
                    extended.matches[current] = m;
                    extended.take(m);
                    // METEOR adds this distance to the path being extended, not to the extension, so
                    // it reaches the skip path below and the extensions copied after this one.
                    path.distance += Math.abs(m.start() - m.matchStart());
                    next.add(extended);
                }
                if (path.lastMatchEnd != -1) { // leave this reference word unmatched
                    path.chunks++;
                    path.lastMatchEnd = -1;
                }
                path.idx++;
                next.add(path);
            }
            if (next.isEmpty()) next.add(paths.get(0));
        }
        next.sort(BEST_FIRST);
        return next.get(0);
    }

    private Alignment count(List<String> hyp, List<String> ref, Match[] chosen) {
        boolean[] hypFunction = new boolean[hyp.size()];
        boolean[] refFunction = new boolean[ref.size()];
        int hypFunctionWords = 0;
        int refFunctionWords = 0;
        for (int i = 0; i < hyp.size(); i++) {
            if (hypFunction[i] = functionWords.contains(hyp.get(i))) hypFunctionWords++;
        }
        for (int j = 0; j < ref.size(); j++) {
            if (refFunction[j] = functionWords.contains(ref.get(j))) refFunctionWords++;
        }
        int[] hypContent = new int[MODULES];
        int[] refContent = new int[MODULES];
        int[] hypFunctionMatches = new int[MODULES];
        int[] refFunctionMatches = new int[MODULES];
        int hypMatches = 0;
        int refMatches = 0;
        int chunks = 0;
        int lastMatchEnd = -1;
        int idx = 0;
        while (idx < chosen.length) {
            Match m = chosen[idx];
            if (m == null) {
                if (lastMatchEnd != -1) {
                    chunks++;
                    lastMatchEnd = -1;
                }
                idx++;
                continue;
            }
            for (int k = 0; k < m.matchLength(); k++) {
                if (hypFunction[m.matchStart() + k]) hypFunctionMatches[m.module()]++;
                else hypContent[m.module()]++;
            }
            for (int k = 0; k < m.length(); k++) {
                if (refFunction[m.start() + k]) refFunctionMatches[m.module()]++;
                else refContent[m.module()]++;
            }
            hypMatches += m.matchLength();
            refMatches += m.length();
            if (lastMatchEnd != -1 && m.matchStart() != lastMatchEnd) chunks++;
            idx = m.start() + m.length();
            lastMatchEnd = m.matchStart() + m.matchLength();
        }
        if (lastMatchEnd != -1) chunks++;
        return new Alignment(hyp.size(), ref.size(), hypFunctionWords, refFunctionWords, hypContent, refContent,
                hypFunctionMatches, refFunctionMatches, chunks, hypMatches, refMatches);
    }

    /** A partial alignment in the beam; mutable, as METEOR's is, since the search relies on that. */
    private static final class Path {
        final Match[] matches;
        final boolean[] hypUsed;
        final boolean[] refUsed;
        // int on purpose: METEOR's compound assignments truncate the weighted sums (a stem match adds 0).
        int matches1;
        int matches2;
        int chunks;
        int idx;
        int lastMatchEnd = -1;
        int distance;

        Path(Match[] matches, boolean[] hypUsed, boolean[] refUsed) {
            this.matches = matches;
            this.hypUsed = hypUsed;
            this.refUsed = refUsed;
        }

        Path(Path other) {
            matches = other.matches.clone();
            hypUsed = other.hypUsed.clone();
            refUsed = other.refUsed.clone();
            matches1 = other.matches1;
            matches2 = other.matches2;
            chunks = other.chunks;
            idx = other.idx;
            lastMatchEnd = other.lastMatchEnd;
            distance = other.distance;
        }

        boolean isUsed(Match m) {
            for (int k = 0; k < m.length(); k++) if (refUsed[m.start() + k]) return true;
            for (int k = 0; k < m.matchLength(); k++) if (hypUsed[m.matchStart() + k]) return true;
            return false;
        }

        void setUsed(Match m) {
            for (int k = 0; k < m.length(); k++) refUsed[m.start() + k] = true;
            for (int k = 0; k < m.matchLength(); k++) hypUsed[m.matchStart() + k] = true;
        }

        /** Counts a match into the path's score and chunking (not its distance). */
        void take(Match m) {
            matches1 = (int) (matches1 + m.matchLength() * SEARCH_WEIGHTS[m.module()]);
            matches2 = (int) (matches2 + m.length() * SEARCH_WEIGHTS[m.module()]);
            if (lastMatchEnd != -1 && m.matchStart() != lastMatchEnd) chunks++;
            idx = m.start() + m.length();
            lastMatchEnd = m.matchStart() + m.matchLength();
        }
    }
}
