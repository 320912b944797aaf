package io.github.llava4j.miniature.world;

/** {@code correct} out of {@code total}. */
public record Accuracy(int correct, int total) {

    public Accuracy {
        if (correct < 0 || total < correct) {
            throw new IllegalArgumentException("need 0 <= correct <= total, got " + correct + "/" + total);
        }
    }

    /** Fraction correct, 0 when there was nothing to score. */
    public double fraction() {
        return total == 0 ? 0 : (double) correct / total;
    }

    Accuracy plus(boolean isCorrect) {
        return new Accuracy(correct + (isCorrect ? 1 : 0), total + 1);
    }
}
