package io.github.llava4j.finetune.train;

/**
 * The two training stages of LLaVA. The vision tower is frozen in both.
 *
 * <ul>
 *   <li>{@link #STAGE1} feature alignment: only the projector learns (image-caption pairs, lr 1e-3).
 *   <li>{@link #STAGE2} instruction tuning: projector and language model learn (conversations, lr 2e-5); with LoRA
 *       the language model's weights stay frozen and low-rank adapters learn instead.
 * </ul>
 */
public enum Stage {
    STAGE1("stage1", 1e-3),
    STAGE2("stage2", 2e-5);

    private final String cliName;
    private final double defaultLearningRate;

    Stage(String cliName, double defaultLearningRate) {
        this.cliName = cliName;
        this.defaultLearningRate = defaultLearningRate;
    }

    public String cliName() {
        return cliName;
    }

    /** The paper's / LLaVA-1.5 scripts' learning rate for the stage. */
    public double defaultLearningRate() {
        return defaultLearningRate;
    }

    /** Whether the language model (or its adapters) learns in this stage. */
    public boolean trainsLanguageModel() {
        return this == STAGE2;
    }
}
