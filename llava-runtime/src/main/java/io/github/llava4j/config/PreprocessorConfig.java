package io.github.llava4j.config;

import java.util.List;

/**
 * preprocessor_config.json (CLIPImageProcessor) plus LLaVA's choice of {@link ImageMode}.
 *
 * @param shortestEdge target of the shortest side when resizing ({@code size.shortest_edge})
 * @param resample PIL filter code; only 3 (BICUBIC) is supported
 * @param mean per-channel normalisation mean, RGB order
 * @param std per-channel normalisation standard deviation, RGB order
 */
public record PreprocessorConfig(
        ImageMode mode,
        boolean doResize,
        int shortestEdge,
        int resample,
        boolean doCenterCrop,
        int cropHeight,
        int cropWidth,
        boolean doRescale,
        double rescaleFactor,
        boolean doNormalize,
        List<Double> mean,
        List<Double> std) {

    public static final int PIL_BICUBIC = 3;

    public PreprocessorConfig {
        Checks.positive("preprocessor_config.size.shortest_edge", shortestEdge);
        Checks.positive("preprocessor_config.crop_size.height", cropHeight);
        Checks.positive("preprocessor_config.crop_size.width", cropWidth);
        if (resample != PIL_BICUBIC) {
            throw new ConfigException("preprocessor_config.resample: only 3 (PIL BICUBIC) is supported, got "
                    + resample);
        }
        mean = List.copyOf(mean);
        std = List.copyOf(std);
        if (mean.size() != 3 || std.size() != 3) {
            throw new ConfigException("preprocessor_config: image_mean and image_std need 3 values (RGB), got "
                    + mean.size() + " and " + std.size());
        }
        for (double s : std) {
            Checks.positive("preprocessor_config.image_std", s);
        }
    }

    /** CLIP ViT-L/14-336 settings with LLaVA-1.5's pad mode, for a vision tower of the given image size. */
    public static PreprocessorConfig clipDefaults(int imageSize) {
        return new PreprocessorConfig(
                ImageMode.PAD,
                true,
                imageSize,
                PIL_BICUBIC,
                true,
                imageSize,
                imageSize,
                true,
                1.0 / 255.0,
                true,
                List.of(0.48145466, 0.4578275, 0.40821073),
                List.of(0.26862954, 0.26130258, 0.27577711));
    }

    public PreprocessorConfig withMode(ImageMode newMode) {
        return new PreprocessorConfig(newMode, doResize, shortestEdge, resample, doCenterCrop, cropHeight, cropWidth,
                doRescale, rescaleFactor, doNormalize, mean, std);
    }
}
