package dev.lora.eval.metrics;

import dev.lora.eval.metrics.meteor.Meteor;
import dev.lora.eval.metrics.meteor.MeteorResources;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The E2E NLG Challenge metrics, computed as its official scorer (tuetschek/e2e-metrics) does:
 * BLEU and NIST on mteval-v13a's tokenisation, METEOR, ROUGE-L and CIDEr on pycocoevalcap's
 * PTB tokenisation.
 */
public final class E2eMetrics {

    private E2eMetrics() {
    }

    /**
     * @param references  per segment (MR), its human references; at least one each
     * @param predictions per segment, the system output
     * @param meteor      METEOR's function words, synonyms and paraphrases, as far as they are there
     */
    public static E2eScores score(List<List<String>> references, List<String> predictions, MeteorResources meteor) {
        if (references.size() != predictions.size()) {
            throw new IllegalArgumentException(predictions.size() + " predictions for " + references.size()
                    + " reference groups");
        }
        if (predictions.isEmpty()) throw new IllegalArgumentException("nothing to score");
        for (int i = 0; i < references.size(); i++) {
            if (references.get(i).isEmpty()) throw new IllegalArgumentException("segment " + (i + 1) + " has no reference");
        }
        List<List<List<String>>> mtevalRefs = references.stream()
                .map(refs -> refs.stream().map(MtevalTokenizer::tokenize).toList()).toList();
        List<List<String>> mtevalHyps = predictions.stream().map(MtevalTokenizer::tokenize).toList();
        List<List<String>> cocoRefs = references.stream()
                .map(refs -> refs.stream().map(CocoTokenizer::tokenize).toList()).toList();
        List<String> cocoHyps = predictions.stream().map(CocoTokenizer::tokenize).toList();
        meteor.warning().ifPresent(LoggerFactory.getLogger(E2eMetrics.class)::warn);
        return new E2eScores(
                Bleu.score(mtevalRefs, mtevalHyps),
                Nist.score(mtevalRefs, mtevalHyps),
                Meteor.score(cocoRefs, cocoHyps, meteor),
                RougeL.score(cocoRefs, cocoHyps),
                CiderD.score(cocoRefs, cocoHyps));
    }
}
