package io.github.llava4j.finetune.lora;

import java.util.List;
import java.util.Objects;

/**
 * Low-rank adaptation of the language model's linear layers (PEFT semantics):
 * {@code h = W·x + (alpha / rank) · B·A·dropout(x)}, A {@code [rank, in]} initialised like PEFT
 * (kaiming-uniform, bound 1/sqrt(in)), B {@code [out, rank]} zeros, so training starts from the base model.
 *
 * @param rank r, at least 1
 * @param alpha the scaling numerator (LLaVA's scripts: r 128, alpha 256)
 * @param dropout dropout probability on the adapter's input, in [0, 1)
 * @param targetModules module names matched against the last part of each layer name ({@code q_proj},
 *     {@code v_proj}, {@code gate_proj}, ...); LLaVA's scripts target every linear layer of the language model
 */
public record LoraConfig(int rank, double alpha, double dropout, List<String> targetModules) {
    /** Every linear layer of a LLaMA decoder layer, as LLaVA's {@code find_all_linear_names} selects. */
    public static final List<String> ALL_LINEAR =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    public LoraConfig {
        if (rank < 1) {
            throw new IllegalArgumentException("LoRA rank must be >= 1, got " + rank);
        }
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("LoRA alpha must be > 0, got " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("LoRA dropout must be in [0, 1), got " + dropout);
        }
        targetModules = List.copyOf(Objects.requireNonNull(targetModules, "targetModules"));
        if (targetModules.isEmpty()) {
            throw new IllegalArgumentException("LoRA needs at least one target module");
        }
        for (String m : targetModules) {
            if (!ALL_LINEAR.contains(m)) {
                throw new IllegalArgumentException("unknown LoRA target module '" + m + "', expected one of "
                        + ALL_LINEAR);
            }
        }
    }

    /** LLaVA-1.5's LoRA script: rank 128, alpha 256, dropout 0.05, every linear layer. */
    public static LoraConfig llavaDefaults() {
        return new LoraConfig(128, 256, 0.05, ALL_LINEAR);
    }

    public double scale() {
        return alpha / rank;
    }

    /** Whether the linear layer named {@code layerName} (e.g. {@code ...layers.0.self_attn.q_proj}) is adapted. */
    public boolean targets(String layerName) {
        if (!layerName.startsWith("language_model.model.layers.")) {
            return false;
        }
        String last = layerName.substring(layerName.lastIndexOf('.') + 1);
        return targetModules.contains(last);
    }
}
