package io.github.llava4j.finetune.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossCurveTest {
    @TempDir
    Path dir;

    private static List<StepMetrics> run(int steps) {
        List<StepMetrics> metrics = new ArrayList<>();
        LearningRateSchedule schedule = LearningRateSchedule.cosineWithWarmup(steps, 3);
        for (int s = 0; s < steps; s++) {
            double loss = 3.0 * Math.exp(-s / 10.0) + 0.2 * Math.sin(s);
            metrics.add(new StepMetrics(s, steps, s / 10.0, loss, 2e-5 * schedule.factor(s), 1.0, 500, 0.1, s * 0.1));
        }
        return metrics;
    }

    @Test
    void should_write_a_readable_png() throws IOException {
        Path png = dir.resolve("plots/loss.png");
        LossCurve.writePng(run(40), "tiny run", png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(LossCurve.WIDTH);
        assertThat(image.getHeight()).isEqualTo(LossCurve.HEIGHT);
        assertThat(Files.size(png)).isGreaterThan(5_000);
        // not a blank canvas: several distinct colours (lines, text, axes)
        long distinct = IntStream.range(0, LossCurve.WIDTH)
                .map(x -> image.getRGB(x, LossCurve.HEIGHT / 2)).distinct().count();
        assertThat(distinct).isGreaterThan(2);
    }

    @Test
    void should_skip_non_finite_losses_and_draw_empty_runs() throws IOException {
        List<StepMetrics> metrics = new ArrayList<>(run(5));
        metrics.add(new StepMetrics(5, 6, 0.6, Double.NaN, 1e-5, Double.NaN, 0, 0.1, 0.6));
        Path png = dir.resolve("nan.png");
        LossCurve.writePng(metrics, "with NaN", png);
        assertThat(ImageIO.read(png.toFile())).isNotNull();

        Path empty = dir.resolve("empty.png");
        LossCurve.writePng(List.of(), "empty", empty);
        assertThat(ImageIO.read(empty.toFile())).isNotNull();
    }

    @Test
    void should_smooth_towards_the_running_mean() {
        List<Double> smooth = LossCurve.smoothed(List.of(1.0, 1.0, 1.0, 3.0));
        assertThat(smooth.get(0)).isEqualTo(1.0);
        assertThat(smooth.get(2)).isEqualTo(1.0);
        assertThat(smooth.get(3)).isBetween(1.0, 3.0);
    }
}
