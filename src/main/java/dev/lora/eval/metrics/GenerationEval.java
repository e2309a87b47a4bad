package dev.lora.eval.metrics;

import dev.lora.eval.metrics.meteor.Meteor;
import dev.lora.eval.metrics.meteor.MeteorResources;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
        Map<String, String> tokenised = new HashMap<>(); // references repeat: gpt2_decode.py pads with the first
        List<List<String>> referencesTok = references.stream()
                .map(refs -> refs.stream().map(r -> tokenised.computeIfAbsent(r, NltkWordTokenizer::joined)).toList()).toList();
        List<String> hypothesisTok = hypothesis.stream().map(NltkWordTokenizer::joined).toList();
        // METEOR and TER take most of the time and share nothing mutable: they run beside BLEU and chrF++.
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "generation-eval");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<Double> meteorScore = pool.submit(() -> Meteor.scoreLines(referencesTok, hypothesisTok, meteor));
            Future<Double> ter = pool.submit(() -> Ter.corpus(referencesTok, hypothesisTok, numRefs));
            double bleu = MultiBleu.score(references, hypothesis);
            double chrf = ChrF.corpus(references, hypothesis, numRefs);
            return new GenerationEvalScores(bleu, meteorScore.get(), chrf, ter.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scoring", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
