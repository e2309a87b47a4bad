package dev.lora.eval.metrics;

import dev.lora.eval.metrics.meteor.Meteor;
import dev.lora.eval.metrics.meteor.MeteorResources;

import java.util.ArrayList;
import java.util.List;

/**
 * WebNLG's GenerationEval ({@code eval.py -m bleu,meteor,chrf++,ter}, the scorer of the LoRA paper's WebNLG and DART
 * rows) in-process, over the files' lines: BLEU by multi-bleu-detok.perl ({@link MultiBleu}) and chrF++
 * ({@link ChrF}) on the texts as written; METEOR (file mode, {@code -l en -norm -r N}) and TER ({@link Ter}) after
 * NLTK's word tokenizer ({@link NltkWordTokenizer}). chrF++ leaves out segments without a non-blank reference.
 *
 * <p>eval.py splits each file on '\n', so for a file ending in a newline (every file gpt2_decode.py writes) it sees
 * one more, empty, segment: its METEOR then fails with "test and reference not same length" (it reports -1) and
 * its TER averages in a 1. These scores are what eval.py computes on the same files without that final newline,
 * the only form on which it computes all four.
 */
public final class GenerationEval {
    private GenerationEval() {
    }

    /**
     * @param hypothesis     the outputs, one per line of the hypothesis file
     * @param referenceFiles reference0..N-1, each as its lines; line j of each is a reference of output j
     */
    public static GenerationEvalScores score(List<String> hypothesis, List<List<String>> referenceFiles,
                                             MeteorResources meteor) {
        int numRefs = referenceFiles.size();
        List<List<String>> references = new ArrayList<>();
        for (int j = 0; j < hypothesis.size(); j++) {
            List<String> refs = new ArrayList<>();
            for (List<String> file : referenceFiles) refs.add(file.get(j));
            references.add(refs);
        }
        List<List<String>> referencesTok = references.stream()
                .map(refs -> refs.stream().map(NltkWordTokenizer::joined).toList()).toList();
        List<String> hypothesisTok = hypothesis.stream().map(NltkWordTokenizer::joined).toList();
        return new GenerationEvalScores(
                MultiBleu.score(references, hypothesis),
                Meteor.scoreLines(referencesTok, hypothesisTok, meteor),
                ChrF.corpus(references, hypothesis, numRefs),
                Ter.corpus(referencesTok, hypothesisTok, numRefs));
    }
}
