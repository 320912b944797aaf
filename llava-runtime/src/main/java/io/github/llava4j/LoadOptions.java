package io.github.llava4j;

import io.github.llava4j.config.ImageMode;
import java.util.Locale;
import java.util.Optional;

/**
 * How to load a checkpoint. Build with {@link #builder()}; every option has a sensible default.
 *
 * @param device "cpu", "gpu" (first CUDA device) or "gpu:N"
 * @param dtype weight dtype; {@link WeightDtype#AUTO} picks f32 on CPU when it fits in memory, else f16
 * @param maxContext longest sequence (prompt + answer, images expanded) a request may reach; 0 = the model's
 *     max_position_embeddings
 * @param imageCacheBytes bound of the image-embedding cache in bytes (0 disables it)
 * @param prefixCacheEntries how many finished sequences keep their KV cache for prefix reuse (0 disables it)
 * @param imageMode overrides the image mode (pad / crop); empty = LLaVA-1.5's pad mode
 * @param template default chat template name; empty = vicuna_v1 (LLaVA-1.5)
 * @param checkMemory refuse to load when the estimate exceeds available memory
 */
public record LoadOptions(
        String device,
        WeightDtype dtype,
        int maxContext,
        long imageCacheBytes,
        int prefixCacheEntries,
        Optional<ImageMode> imageMode,
        Optional<String> template,
        boolean checkMemory) {

    public LoadOptions {
        Devices.parse(device); // validates the name
        if (maxContext < 0 || imageCacheBytes < 0 || prefixCacheEntries < 0) {
            throw new IllegalArgumentException("maxContext, imageCacheBytes and prefixCacheEntries must be >= 0");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Weight precision. Activations are always f32 on CPU. */
    public enum WeightDtype {
        AUTO,
        F32,
        F16;

        /** Parses the CLI spelling (f32, f16, auto); bf16 is refused with the reason. */
        public static WeightDtype parse(String value) {
            String v = value.toLowerCase(Locale.ROOT);
            return switch (v) {
                case "auto" -> AUTO;
                case "f32", "fp32", "float32" -> F32;
                case "f16", "fp16", "float16" -> F16;
                case "bf16", "bfloat16" -> throw new IllegalArgumentException(
                        "dtype bf16 is not supported: DJL's PyTorch bridge aborts the JVM on bfloat16 tensors;"
                                + " use f32 or f16 (BF16 weights on disk are widened while loading)");
                default -> throw new IllegalArgumentException(
                        "unknown dtype '" + value + "', expected one of f32, f16, auto");
            };
        }
    }

    public static final class Builder {
        private String device = "cpu";
        private WeightDtype dtype = WeightDtype.AUTO;
        private int maxContext;
        private long imageCacheBytes = 256L << 20;
        private int prefixCacheEntries = 2;
        private ImageMode imageMode;
        private String template;
        private boolean checkMemory = true;

        public Builder device(String device) {
            this.device = device;
            return this;
        }

        public Builder dtype(WeightDtype dtype) {
            this.dtype = dtype;
            return this;
        }

        public Builder maxContext(int maxContext) {
            this.maxContext = maxContext;
            return this;
        }

        public Builder imageCacheBytes(long imageCacheBytes) {
            this.imageCacheBytes = imageCacheBytes;
            return this;
        }

        public Builder prefixCacheEntries(int prefixCacheEntries) {
            this.prefixCacheEntries = prefixCacheEntries;
            return this;
        }

        public Builder imageMode(ImageMode imageMode) {
            this.imageMode = imageMode;
            return this;
        }

        public Builder template(String template) {
            this.template = template;
            return this;
        }

        public Builder checkMemory(boolean checkMemory) {
            this.checkMemory = checkMemory;
            return this;
        }

        public LoadOptions build() {
            return new LoadOptions(
                    device,
                    dtype,
                    maxContext,
                    imageCacheBytes,
                    prefixCacheEntries,
                    Optional.ofNullable(imageMode),
                    Optional.ofNullable(template),
                    checkMemory);
        }
    }
}
