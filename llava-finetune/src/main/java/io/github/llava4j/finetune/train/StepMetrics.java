package io.github.llava4j.finetune.train;

/**
 * One optimizer step's metrics.
 *
 * @param step 0-based index of the optimizer step (after it, {@code step + 1} steps are done)
 * @param totalSteps optimizer steps of the whole run
 * @param epoch fractional epoch reached after this step
 * @param loss mean training loss of the step
 * @param learningRate learning rate used for the step (schedule factor applied; of the first parameter group)
 * @param gradNorm global gradient norm before clipping (may be NaN / infinite)
 * @param tokensPerSecond decoder positions (text tokens and image rows) processed per second in the step
 * @param stepSeconds wall time of the step
 * @param elapsedSeconds wall time since the run started (including time before a resume)
 */
public record StepMetrics(long step, long totalSteps, double epoch, double loss, double learningRate,
        double gradNorm, double tokensPerSecond, double stepSeconds, double elapsedSeconds) {
}
