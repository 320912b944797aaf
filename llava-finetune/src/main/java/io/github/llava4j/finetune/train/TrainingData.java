package io.github.llava4j.finetune.train;

import io.github.llava4j.LlavaException;
import io.github.llava4j.finetune.data.BadDataException;
import io.github.llava4j.finetune.data.BadDataReason;
import io.github.llava4j.finetune.data.DataReport;
import io.github.llava4j.finetune.data.LlavaJsonReader;
import io.github.llava4j.finetune.masking.LabelMasker;
import io.github.llava4j.finetune.masking.MaskedSample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A training set read from LLaVA's JSON format, tokenized and masked once up front. Token ids are small (a few KB per
 * sample); images stay on disk and are read when a step needs them. Samples the reference would train on with every
 * label masked (its "tokenization mismatch" case) contribute nothing but a 0/0 loss, so they are counted and left out.
 */
public final class TrainingData {
    private final List<TrainingSample> samples;
    private final DataReport report;

    private TrainingData(List<TrainingSample> samples, DataReport report) {
        this.samples = samples;
        this.report = report;
    }

    /**
     * @param imageRoot folder the samples' image paths are relative to; may be null for text-only data
     * @param skipBad count and skip bad entries (missing image, malformed entry, turns out of order, template misfit)
     *     instead of failing on the first
     */
    public static TrainingData read(Path file, Path imageRoot, LabelMasker masker, boolean skipBad) {
        List<TrainingSample> samples = new ArrayList<>();
        DataReport report = new DataReport();
        new LlavaJsonReader(imageRoot, skipBad).read(file, sample -> {
            MaskedSample masked;
            try {
                masked = masker.mask(sample);
            } catch (BadDataException e) {
                if (!skipBad) {
                    throw e;
                }
                report.record(e.reason(), e.sampleId());
                return;
            }
            if (masked.tokenizationMismatch() || CausalLmLoss.learnedTargets(masked.labels()) == 0) {
                report.record(BadDataReason.TOKENIZATION_MISMATCH, masked.id());
                return;
            }
            if (sample.image().isPresent() && imageRoot == null) {
                throw new LlavaException(file + ": sample '" + sample.id() + "' has an image ('"
                        + sample.image().get() + "') but no image folder was given");
            }
            samples.add(new TrainingSample(masked.id(), masked.inputIds(), masked.labels(),
                    sample.image().map(imageRoot::resolve)));
        }, report);
        if (samples.isEmpty()) {
            throw new IllegalArgumentException(file + ": no usable training sample (" + report.summary() + ")");
        }
        return new TrainingData(Collections.unmodifiableList(samples), report);
    }

    /** Samples in file order. */
    public List<TrainingSample> samples() {
        return samples;
    }

    public int size() {
        return samples.size();
    }

    /** What the reader met: samples seen, accepted, and skipped per reason. */
    public DataReport report() {
        return report;
    }
}
