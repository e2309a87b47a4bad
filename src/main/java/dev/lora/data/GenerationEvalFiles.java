package dev.lora.data;

import dev.lora.io.AtomicFiles;
import dev.lora.io.InputError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * WebNLG GenerationEval's file layout: a hypothesis file (one output per line) and reference files
 * {@code reference0 .. referenceN-1} (line j of each is a reference of output j), written as microsoft/LoRA's
 * gpt2_decode.py writes them ({@code --ref_type webnlg|dart --tokenize --lower}) and read as eval.py reads them.
 */
public final class GenerationEvalFiles {
    /** The paper's commands pass {@code --ref_num 6} to gpt2_decode.py and {@code -nr 6} to eval.py. */
    public static final int PAPER_REF_NUM = 6;

    /** The files' lines (a final newline ends the last line); {@code references.get(i)} is file i's. */
    public record Texts(List<String> hypothesis, List<List<String>> references) {
    }

    /** One input's output and its references, before gpt2_decode's post-processing. */
    public record Segment(String hypothesis, List<String> references) {
    }

    private GenerationEvalFiles() {
    }

    /**
     * Groups examples as gpt2_decode.py does: by identical context in order of first appearance, keeping those
     * {@code keep} accepts (its --filter), each reference cut at the first blank line and stripped.
     */
    public static List<Map.Entry<String, List<String>>> groups(List<RawExample> raw, Predicate<RawExample> keep) {
        Map<String, List<String>> refs = new LinkedHashMap<>();
        for (RawExample r : raw) {
            if (keep.test(r)) refs.computeIfAbsent(r.context(), k -> new ArrayList<>()).add(cut(r.completion()));
        }
        return List.copyOf(refs.entrySet());
    }

    /** gpt2_decode.py's cut of a reference or a decoded output: before end-of-text, before a blank line, stripped. */
    public static String cut(String text) {
        return PythonText.strip(text.split("<\\|endoftext\\|>", -1)[0].split("\n\n", -1)[0]);
    }

    /** gpt2_decode.py's post_process with --lower and --tokenize: lower-case, then every non-word character apart. */
    public static String postProcess(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        StringBuilder spaced = new StringBuilder();
        lower.codePoints().forEach(c -> {
            if (PythonText.isWord(c)) spaced.appendCodePoint(c);
            else spaced.append(' ').appendCodePoint(c).append(' ');
        });
        return String.join(" ", PythonText.split(spaced.toString()));
    }

    /**
     * Writes the outputs to {@code hypothesisFile} and the references to {@code referencesDir/reference0..numRefs-1},
     * each line post-processed, a newline after each: a segment with fewer references repeats its first, one with
     * more keeps its first numRefs.
     */
    public static void write(Path hypothesisFile, Path referencesDir, List<Segment> segments, int numRefs) {
        StringBuilder hyp = new StringBuilder();
        StringBuilder[] refs = new StringBuilder[numRefs];
        Arrays.setAll(refs, i -> new StringBuilder());
        for (Segment s : segments) {
            hyp.append(postProcess(s.hypothesis())).append('\n');
            for (int i = 0; i < numRefs; i++) {
                refs[i].append(postProcess(s.references().get(i < s.references().size() ? i : 0))).append('\n');
            }
        }
        AtomicFiles.writeString(hypothesisFile, hyp.toString());
        for (int i = 0; i < numRefs; i++) AtomicFiles.writeString(referencesDir.resolve("reference" + i), refs[i].toString());
    }

    /**
     * Reads a hypothesis file and its references: {@code references} is eval.py's -R prefix ({@code .../reference},
     * files {@code reference0, reference1, ...}), a folder holding {@code reference0, ...}, or one file. Every file
     * must have the hypothesis file's number of lines.
     */
    public static Texts read(Path hypothesis, Path references) {
        List<Path> files = referenceFiles(references);
        List<String> hyp = lines(hypothesis);
        if (hyp.isEmpty()) throw new InputError(hypothesis + ": has no outputs to score");
        List<List<String>> refs = new ArrayList<>();
        for (Path f : files) {
            List<String> lines = lines(f);
            if (lines.size() != hyp.size()) {
                throw new InputError(f + ": has " + lines.size() + " lines but " + hypothesis + " has " + hyp.size()
                        + "; line j of each reference file is a reference of output j");
            }
            refs.add(lines);
        }
        return new Texts(hyp, refs);
    }

    static List<Path> referenceFiles(Path references) {
        Path prefix = Files.isDirectory(references) ? references.resolve("reference") : references;
        List<Path> files = new ArrayList<>();
        for (int i = 0; Files.isRegularFile(Path.of(prefix + String.valueOf(i))); i++) files.add(Path.of(prefix + String.valueOf(i)));
        if (files.isEmpty() && Files.isRegularFile(references)) files.add(references);
        if (files.isEmpty()) {
            throw new InputError(references + ": no reference files; give GenerationEval's -R prefix (files " + prefix
                    + "0, " + prefix + "1, ...), the folder holding them, or one reference file");
        }
        return files;
    }

    // Lines end at '\n' only, as eval.py splits them: a '\r' stays part of its line.
    private static List<String> lines(Path file) {
        List<String> split = new ArrayList<>(Arrays.asList(ScoringInputs.read(file).split("\n", -1)));
        if (split.get(split.size() - 1).isEmpty()) split.remove(split.size() - 1);
        return split;
    }
}
