package dev.lora.cli;

import dev.lora.io.InputError;

/** Range checks for command-line values, made before any work, naming the option as the user typed it. */
final class OptionChecks {
    private OptionChecks() {
    }

    static void atLeast(String option, Number value, long min) {
        if (value != null && value.longValue() < min) {
            throw new InputError(option + " must be " + (min == 1 ? "a positive whole number" : "at least " + min) + ", got " + value);
        }
    }

    /** low < value <= high (low exclusive), e.g. --top-p in (0, 1]. */
    static void within(String option, Double value, double low, double high) {
        if (value != null && !(value > low && value <= high)) {
            throw new InputError(option + " must be above " + trim(low) + " and at most " + trim(high) + ", got " + value);
        }
    }

    static void positive(String option, double value) {
        if (!(value > 0) || !Double.isFinite(value)) throw new InputError(option + " must be a positive number, got " + value);
    }

    static void finite(String option, double value) {
        if (!Double.isFinite(value)) throw new InputError(option + " must be a finite number, got " + value);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
