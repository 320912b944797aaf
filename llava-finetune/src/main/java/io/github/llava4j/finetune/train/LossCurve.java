package io.github.llava4j.finetune.train;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a run's loss against the optimizer step as a PNG: the raw loss, a smoothed loss (exponential moving average
 * with TensorBoard's bias correction) and, on a second y axis on the right, the learning rate. Steps with a
 * non-finite loss are left out. Works headless.
 */
public final class LossCurve {
    static final int WIDTH = 1000;
    static final int HEIGHT = 600;

    private LossCurve() {
    }

    /** Writes the chart to {@code png} (atomically; the folder is created). */
    public static void writePng(List<StepMetrics> metrics, String title, Path png) {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        XYChart chart = chart(metrics, title);
        try {
            byte[] bytes = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
            Path dir = png.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temp = dir.resolve("." + png.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
            try {
                Files.write(temp, bytes);
                try {
                    Files.move(temp, png, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, png, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(png + ": cannot write the loss curve (" + e.getMessage() + ")", e);
        }
    }

    static XYChart chart(List<StepMetrics> metrics, String title) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title == null ? "" : title)
                .xAxisTitle("step").yAxisTitle("loss").build();
        Styler styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setMarkerSize(3);
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        chart.setYAxisGroupTitle(0, "loss");
        chart.setYAxisGroupTitle(1, "learning rate");

        List<Double> steps = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        List<Double> lrSteps = new ArrayList<>();
        List<Double> lrs = new ArrayList<>();
        for (StepMetrics m : metrics) {
            // 1-based on the chart: the point of step index s is drawn after s + 1 steps
            if (Double.isFinite(m.loss())) {
                steps.add((double) m.step() + 1);
                losses.add(m.loss());
            }
            if (Double.isFinite(m.learningRate())) {
                lrSteps.add((double) m.step() + 1);
                lrs.add(m.learningRate());
            }
        }
        if (losses.isEmpty()) {
            // xchart cannot draw an empty series; an empty run still gets a (flat) chart rather than an error
            steps.add(0.0);
            losses.add(0.0);
            chart.setTitle(chart.getTitle() + " (no finite loss)");
        }
        XYSeries raw = chart.addSeries("loss", steps, losses);
        raw.setMarker(SeriesMarkers.NONE);
        raw.setLineColor(new Color(31, 119, 180, 90));
        XYSeries smooth = chart.addSeries("loss (smoothed)", steps, smoothed(losses));
        smooth.setMarker(SeriesMarkers.NONE);
        smooth.setLineColor(new Color(31, 119, 180));
        if (!lrs.isEmpty()) {
            XYSeries lr = chart.addSeries("learning rate", lrSteps, lrs);
            lr.setYAxisGroup(1);
            lr.setMarker(SeriesMarkers.NONE);
            lr.setLineColor(new Color(255, 127, 14));
        }
        return chart;
    }

    /** Debiased exponential moving average; the weight grows with the number of points (0 .. 0.95). */
    static List<Double> smoothed(List<Double> values) {
        double weight = Math.min(0.95, Math.max(0.0, 1.0 - 10.0 / Math.max(1, values.size())));
        List<Double> out = new ArrayList<>(values.size());
        double ema = 0;
        double norm = 0;
        for (double v : values) {
            ema = weight * ema + (1 - weight) * v;
            norm = weight * norm + (1 - weight);
            out.add(norm == 0 ? v : ema / norm);
        }
        return out;
    }
}
