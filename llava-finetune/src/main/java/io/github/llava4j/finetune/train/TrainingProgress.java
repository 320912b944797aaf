package io.github.llava4j.finetune.train;

import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A terminal progress bar on stderr showing steps done / total, ETA, and the last step's loss, learning rate and
 * tokens per second; {@link #silent()} prints nothing (tests, {@code --quiet}).
 */
public final class TrainingProgress implements AutoCloseable {
    private final ProgressBar bar;

    private TrainingProgress(ProgressBar bar) {
        this.bar = bar;
    }

    /**
     * A bar for {@code totalSteps} optimizer steps of which {@code startStep} are already done (a resumed run); the
     * ETA is estimated from the steps of this process only.
     */
    public static TrainingProgress console(String task, long totalSteps, long startStep) {
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(Math.max(0, totalSteps))
                .startsFrom(Math.max(0, startStep), Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setUpdateIntervalMillis(500)
                .build();
        return new TrainingProgress(bar);
    }

    public static TrainingProgress silent() {
        return new TrainingProgress(null);
    }

    /** Shows that step {@code m.step()} (0-based) is done. */
    public void update(StepMetrics m) {
        if (bar == null) {
            return;
        }
        if (m.totalSteps() > 0 && m.totalSteps() != bar.getMax()) {
            bar.maxHint(m.totalSteps());
        }
        bar.stepTo(Math.max(bar.getCurrent(), m.step() + 1));
        bar.setExtraMessage(message(m));
    }

    static String message(StepMetrics m) {
        return String.format(Locale.ROOT, " loss %.4f lr %.2e %.0f tok/s", m.loss(), m.learningRate(),
                m.tokensPerSecond());
    }

    /** Whether this prints nothing. */
    public boolean isSilent() {
        return bar == null;
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
