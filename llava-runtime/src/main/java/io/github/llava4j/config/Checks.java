package io.github.llava4j.config;

import java.util.Arrays;

/** Field validation shared by the config records; every message names the config field. */
final class Checks {
    private Checks() {}

    static void positive(String field, long value) {
        if (value <= 0) {
            throw new ConfigException(field + " must be > 0, got " + value);
        }
    }

    static void positive(String field, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new ConfigException(field + " must be a finite number > 0, got " + value);
        }
    }

    static void divides(String divisorField, int divisor, String field, int value) {
        if (value % divisor != 0) {
            throw new ConfigException(field + " (" + value + ") must be divisible by " + divisorField + " (" + divisor
                    + ")");
        }
    }

    static void oneOf(String field, String value, String... allowed) {
        if (!Arrays.asList(allowed).contains(value)) {
            throw new ConfigException(
                    field + ": unsupported value '" + value + "', expected one of " + Arrays.toString(allowed));
        }
    }
}
