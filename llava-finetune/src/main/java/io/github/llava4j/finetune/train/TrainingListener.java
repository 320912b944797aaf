package io.github.llava4j.finetune.train;

/** Told about every optimizer step as it completes (on the training thread). */
@FunctionalInterface
public interface TrainingListener {
    TrainingListener NONE = metrics -> {};

    /** Throwing stops the run; checkpoints already written stay valid for {@code resume}. */
    void onStep(StepMetrics metrics);
}
