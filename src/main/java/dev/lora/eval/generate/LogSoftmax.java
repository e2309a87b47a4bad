package dev.lora.eval.generate;

/**
 * Log-probabilities from logits, in float64 whatever the model's dtype, so the searches' sums and
 * comparisons do not depend on it.
 */
final class LogSoftmax {
    private LogSoftmax() {
    }

    /** log softmax(logits / temperature), written over {@code logits} (the scorers hand out rows for one step's use). */
    static double[] inPlace(double[] logits, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        double[] x = logits;
        for (int i = 0; i < x.length; i++) {
            x[i] = temperature == 1 ? logits[i] : logits[i] / temperature;
            if (Double.isNaN(x[i])) throw new IllegalStateException("the model produced a NaN logit (token " + i + ")");
            max = Math.max(max, x[i]);
        }
        if (max == Double.NEGATIVE_INFINITY) throw new IllegalStateException("every logit is -infinity");
        double sum = 0;
        for (double v : x) sum += Math.exp(v - max);
        double shift = max + Math.log(sum);
        for (int i = 0; i < x.length; i++) x[i] -= shift;
        return x;
    }

    static double[] inPlace(double[] logits) {
        return inPlace(logits, 1);
    }
}
