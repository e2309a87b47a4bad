package dev.lora.eval.metrics.meteor;

import org.tartarus.snowball.ext.EnglishStemmer;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * METEOR 1.5 (English, {@code -norm}) as pycocoevalcap runs it, with the modules its resources allow
 * ({@link MeteorResources}: all four with METEOR's data, exact and stem without it). Per segment the best
 * reference (by METEOR score) is kept; the corpus score is computed from the summed statistics.
 */
public final class Meteor {

    private Meteor() {
    }

    /** Inputs as for {@link RougeL#score}: pycocoevalcap-tokenised strings. */
    public static double score(List<List<String>> references, List<String> hypotheses, MeteorResources resources) {
        MeteorAligner aligner = new MeteorAligner(snowballEnglish(), resources);
        MeteorStats total = MeteorStats.ZERO;
        for (int s = 0; s < hypotheses.size(); s++) {
            total = total.plus(segment(aligner, references.get(s), hypotheses.get(s)));
        }
        return total.score();
    }

    /**
     * METEOR 1.5 run on plain-text files ({@code meteor-1.5.jar HYP REFS -l en -norm -r N}, as GenerationEval runs
     * it): each line as it is, with none of the stdio protocol's trimming.
     */
    public static double scoreLines(List<List<String>> references, List<String> hypotheses, MeteorResources resources) {
        MeteorAligner aligner = new MeteorAligner(snowballEnglish(), resources);
        MeteorStats total = MeteorStats.ZERO;
        for (int s = 0; s < hypotheses.size(); s++) {
            // A repeated reference (gpt2_decode.py pads with the first) scores the same and cannot become the best.
            total = total.plus(best(aligner, List.copyOf(new LinkedHashSet<>(references.get(s))), hypotheses.get(s), false));
        }
        return total.score();
    }

    static MeteorStats segment(MeteorAligner aligner, List<String> references, String hypothesis) {
        // pycocoevalcap strips METEOR's field separator from the hypothesis and METEOR trims fields.
        return best(aligner, references, hypothesis.replace("|||", "").replace("  ", " "), true);
    }

    private static MeteorStats best(MeteorAligner aligner, List<String> references, String hypothesis, boolean trim) {
        List<String> hyp = MeteorNormalizer.words(trim ? hypothesis.strip() : hypothesis);
        MeteorStats best = null;
        double bestScore = -1;
        for (String reference : references) {
            MeteorStats stats = MeteorStats.of(aligner.align(hyp, MeteorNormalizer.words(trim ? reference.strip() : reference)));
            double score = stats.score();
            if (score > bestScore) {
                best = stats;
                bestScore = score;
            }
        }
        return best;
    }

    /** METEOR's stemmer: Snowball English. One instance per scoring run, as it is not thread-safe. */
    static UnaryOperator<String> snowballEnglish() {
        EnglishStemmer stemmer = new EnglishStemmer();
        return word -> {
            stemmer.setCurrent(word);
            stemmer.stem();
            return stemmer.getCurrent();
        };
    }
}
