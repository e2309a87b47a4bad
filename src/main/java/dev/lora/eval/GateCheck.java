package dev.lora.eval;

import dev.lora.io.InputError;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Quality gates for CI: {@code --fail-under METRIC=VALUE} thresholds, parsed and checked against a
 * set of named scores. Shared by {@code lora score} and {@code lora eval}.
 */
public final class GateCheck {

    /** Exit status of a command whose scores fell below a threshold (after printing them). */
    public static final int EXIT_BELOW_THRESHOLD = 3;

    /** A metric must score at least {@code minimum}. */
    public record Threshold(String metric, double minimum) {
    }

    /** A threshold that was not met. */
    public record Failure(String metric, double value, double minimum) {
        public String message() {
            return metric + " = " + value + " is below the required " + minimum;
        }
    }

    private GateCheck() {
    }

    /**
     * Parses {@code METRIC=VALUE} specs. Metric names match the known ones ignoring case, and "-"
     * stands for "_" (ROUGE-L = ROUGE_L); the result uses the known spelling.
     */
    public static List<Threshold> parse(List<String> specs, List<String> knownMetrics) {
        List<Threshold> thresholds = new ArrayList<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) {
                throw new InputError("--fail-under '" + spec + "': expected METRIC=VALUE, e.g. BLEU=0.6");
            }
            String name = spec.substring(0, eq).strip();
            String metric = knownMetrics.stream().filter(k -> canonical(k).equals(canonical(name))).findFirst()
                    .orElseThrow(() -> new InputError("--fail-under '" + spec + "': unknown metric '" + name
                            + "'; known: " + String.join(", ", knownMetrics)));
            double minimum;
            try {
                minimum = Double.parseDouble(spec.substring(eq + 1).strip());
            } catch (NumberFormatException e) {
                throw new InputError("--fail-under '" + spec + "': '" + spec.substring(eq + 1) + "' is not a number");
            }
            if (!Double.isFinite(minimum)) throw new InputError("--fail-under '" + spec + "': the value must be finite");
            thresholds.add(new Threshold(metric, minimum));
        }
        return thresholds;
    }

    /** The thresholds not met, in the order given; a score equal to its threshold passes. */
    public static List<Failure> check(Map<String, Double> scores, List<Threshold> thresholds) {
        List<Failure> failures = new ArrayList<>();
        for (Threshold t : thresholds) {
            Double value = scores.get(t.metric());
            if (value == null) throw new IllegalArgumentException("no score named " + t.metric());
            if (value < t.minimum()) failures.add(new Failure(t.metric(), value, t.minimum()));
        }
        return failures;
    }

    private static String canonical(String metric) {
        return metric.strip().toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
