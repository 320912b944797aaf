package io.github.llava4j.image;

/** What happens to transparency when an image becomes 8-bit RGB. */
public enum AlphaPolicy {
    /**
     * Discard alpha, keeping the stored colour of transparent pixels: PIL's {@code convert('RGB')}, which the
     * original LLaVA code uses for training and inference. The default.
     */
    DROP,
    /**
     * Composite over opaque white first, as transformers' {@code convert_to_rgb} does in recent versions
     * (PIL {@code alpha_composite} over a white RGBA canvas, same integer rounding).
     */
    COMPOSITE_ON_WHITE
}
