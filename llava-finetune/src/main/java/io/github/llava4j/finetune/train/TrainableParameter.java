package io.github.llava4j.finetune.train;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * A tensor being trained: the model's own weight array (which requires a gradient), its canonical checkpoint name
 * (the key of its optimizer state) and the learning rate of its group (e.g. projector vs LLM) before the schedule
 * factor.
 */
public record TrainableParameter(String name, NDArray value, double baseLearningRate) {
    public TrainableParameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (!(baseLearningRate >= 0) || Double.isInfinite(baseLearningRate)) {
            throw new IllegalArgumentException("parameter '" + name + "': base learning rate must be finite and >= 0,"
                    + " got " + baseLearningRate);
        }
    }
}
