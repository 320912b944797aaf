package io.github.llava4j.generate;

/** Divides logits by the temperature (> 0): below 1 sharpens the distribution, above 1 flattens it. */
public record Temperature(double temperature) implements LogitsProcessor {
    public Temperature {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
    }

    @Override
    public void process(float[] logits, int[] context) {
        if (temperature == 1.0) {
            return;
        }
        float inverse = (float) (1.0 / temperature);
        for (int i = 0; i < logits.length; i++) {
            logits[i] *= inverse;
        }
    }
}
