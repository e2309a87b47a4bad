package dev.lora.eval.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GenerationEval's scores of one system: BLEU on multi-bleu's 0-100 scale; METEOR, chrF++ and TER as fractions,
 * as its eval.py reports them (TER lower is better).
 */
public record GenerationEvalScores(double bleu, double meteor, double chrfPlusPlus, double ter) {
    public static final String BLEU = "BLEU";
    public static final String METEOR = "METEOR";
    public static final String CHRF_PP = "chrF++";
    public static final String TER = "TER";

    /** Name to score, in eval.py's order of columns. */
    public Map<String, Double> asMap() {
        Map<String, Double> map = new LinkedHashMap<>();
        map.put(BLEU, bleu);
        map.put(METEOR, meteor);
        map.put(CHRF_PP, chrfPlusPlus);
        map.put(TER, ter);
        return map;
    }
}
