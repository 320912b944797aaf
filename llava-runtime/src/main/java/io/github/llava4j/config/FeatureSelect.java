package io.github.llava4j.config;

/** Which vision tokens reach the projector ({@code vision_feature_select_strategy}). */
public enum FeatureSelect {
    /** Drop the CLS token: 576 tokens for CLIP ViT-L/14-336 (LLaVA-1.5, original {@code patch}). */
    DEFAULT,
    /** Keep CLS: 577 tokens (original {@code cls_patch}). */
    FULL;

    public static FeatureSelect parse(String field, String value) {
        return switch (value) {
            case "default", "patch" -> DEFAULT;
            case "full", "cls_patch" -> FULL;
            default -> throw new ConfigException(
                    field + ": unsupported value '" + value + "', expected one of [default, full]");
        };
    }
}
