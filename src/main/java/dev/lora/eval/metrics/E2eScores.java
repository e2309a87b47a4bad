package dev.lora.eval.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The five E2E NLG Challenge metrics of one system. BLEU, METEOR and ROUGE-L are fractions (0..1);
 * NIST and CIDEr are on their own scales.
 */
public record E2eScores(double bleu, double nist, double meteor, double rougeL, double cider) {

    /** Metric names as the official scorer prints them, in its order of columns. */
    public static final String BLEU = "BLEU";
    public static final String NIST = "NIST";
    public static final String METEOR = "METEOR";
    public static final String ROUGE_L = "ROUGE_L";
    public static final String CIDER = "CIDEr";

    /** Name to score, in the order BLEU, NIST, METEOR, ROUGE_L, CIDEr. */
    public Map<String, Double> asMap() {
        Map<String, Double> map = new LinkedHashMap<>();
        map.put(BLEU, bleu);
        map.put(NIST, nist);
        map.put(METEOR, meteor);
        map.put(ROUGE_L, rougeL);
        map.put(CIDER, cider);
        return map;
    }
}
