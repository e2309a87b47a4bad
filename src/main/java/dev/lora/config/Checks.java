package dev.lora.config;

import java.math.BigDecimal;
import java.util.Locale;

/** Range checks shared by the config records; every message names the key, the value and the allowed range. */
final class Checks {
    private Checks() {
    }

    static int atLeast(String key, int value, int min) {
        if (value < min) throw outOfRange(key, Integer.toString(value), "an integer >= " + min);
        return value;
    }

    static double positive(String key, double value) {
        if (!(value > 0) || !Double.isFinite(value)) throw outOfRange(key, fmt(value), "a finite number > 0");
        return value;
    }

    static double nonNegative(String key, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) throw outOfRange(key, fmt(value), "a finite number >= 0");
        return value;
    }

    /** [0, 1): the range of dropout and label-smoothing probabilities and of Adam's betas. */
    static double unitInterval(String key, double value) {
        if (!(value >= 0 && value < 1)) throw outOfRange(key, fmt(value), "a number in [0, 1)");
        return value;
    }

    static String nonBlank(String key, String value) {
        if (value == null || value.isBlank()) throw new ConfigValueError(key, key + " must not be empty");
        return value;
    }

    static <T> T present(String key, T value) {
        if (value == null) throw new ConfigValueError(key, key + " must be set");
        return value;
    }

    static ConfigValueError outOfRange(String key, String value, String allowed) {
        return new ConfigValueError(key, key + " = " + value + " is out of range; it must be " + allowed);
    }

    /**
     * Shortest text that reads back as the same double: plain decimals where they stay short (0.0002, 32),
     * scientific below 1e-4 (1.0e-6), so that printed configs are readable and still round-trip exactly.
     */
    static String fmt(double v) {
        if (!Double.isFinite(v)) return Double.toString(v);
        double a = Math.abs(v);
        if (a == 0 || (a >= 1e-4 && a < 1e15)) {
            return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
        }
        return Double.toString(v).toLowerCase(Locale.ROOT);
    }
}
