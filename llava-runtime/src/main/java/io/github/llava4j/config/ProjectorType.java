package io.github.llava4j.config;

import java.util.Locale;

/** How CLIP features become LLM embeddings: LLaVA v1's single linear map or LLaVA-1.5's two-layer MLP. */
public enum ProjectorType {
    /** {@code H = W·Z + b} (LLaVA v1, {@code mm_projector_type = linear}). */
    LINEAR("linear"),
    /** {@code Linear → GELU(erf) → Linear} (LLaVA-1.5, {@code mlp2x_gelu}; the llava-hf default). */
    MLP2X_GELU("mlp2x_gelu");

    private final String configName;

    ProjectorType(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static ProjectorType parse(String field, String value) {
        for (ProjectorType type : values()) {
            if (type.configName.equals(value.toLowerCase(Locale.ROOT))) {
                return type;
            }
        }
        throw new ConfigException(
                field + ": unsupported projector type '" + value + "', expected one of [linear, mlp2x_gelu]");
    }
}
