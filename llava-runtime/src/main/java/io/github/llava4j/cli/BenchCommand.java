package io.github.llava4j.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llava4j.LlavaEngine;
import io.github.llava4j.LlavaRequest;
import io.github.llava4j.LlavaResult;
import io.github.llava4j.config.ClipVisionConfig;
import io.github.llava4j.config.LlamaTextConfig;
import io.github.llava4j.config.LlavaConfig;
import io.github.llava4j.config.ProjectorType;
import io.github.llava4j.generate.GenerationConfig;
import io.github.llava4j.text.Conversation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code llava bench}: the speed and memory figures of DESIGN.md section 6, each next to the roofline this machine
 * offers, measured in the same process: image-encode ms, prefill and decode tokens/s, time to first token cold and
 * with the image already seen, peak RSS against the weight bytes, copy bandwidth and fp32 GEMM throughput.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure speed and memory on a checkpoint.")
final class BenchCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--image", paramLabel = "PATH", description = "image to ask about (default: the bundled photo)")
    Path image;

    @Option(names = "--new-tokens", defaultValue = "32", paramLabel = "N", description = "tokens to decode per run")
    int newTokens;

    @Option(names = "--copy-mib", defaultValue = "1024", paramLabel = "MiB", description = "size of the copy probe")
    int copyMib;

    @Option(names = "--json", description = "print the figures as one JSON object")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        byte[] imageBytes = image == null ? DemoCommand.bundledImage() : Inputs.readImage(image);
        ObjectNode figures = new ObjectMapper().createObjectNode();
        long loadStart = System.nanoTime();
        try (LlavaEngine engine = modelOptions.load()) {
            double loadS = (System.nanoTime() - loadStart) / 1e9;
            LlavaConfig config = engine.config();
            long weightBytes = engine.weightBytes();
            int weightElementBytes = engine.weightElementBytes();
            err.printf(Locale.ROOT, "loaded %s in %.1f s (%.2f GiB of weights)%n",
                    modelOptions.model, loadS, weightBytes / 1073741824.0);

            LlavaResult cold = ask(engine, "Describe this image in detail.", imageBytes);
            LlavaResult cached = ask(engine, "What colours stand out in this image?", imageBytes);
            long peakRss = MachineProbe.peakRssBytes();

            Device device = engine.device();
            double bandwidth = MachineProbe.copyBandwidthGBs(device, (long) copyMib << 20);
            int hidden = config.text().hiddenSize();
            double gemm = MachineProbe.gemmGflops(device, 600, hidden, hidden);

            var t = cold.generation().timings();
            int prefillPositions = cold.prefillPositions();
            int decoded = Math.max(cold.generation().usage().completionTokens() - 1, 1);
            double prefillTokS = prefillPositions / (t.prefillMs() / 1000.0);
            double decodeMsPerToken = t.decodeMs() / (double) decoded;
            double decoderBytes = decoderLinearParams(config.text()) * (double) weightElementBytes;
            double rooflineMs = decoderBytes / (bandwidth * 1e9) * 1000.0;
            double visionFlops = visionFlops(config);
            double prefillFlops = prefillFlops(config.text(), prefillPositions);

            figures.put("model", modelOptions.model.toString());
            figures.put("weight_dtype", engine.weightDtypeName());
            figures.put("weight_bytes", weightBytes);
            figures.put("load_s", round(loadS));
            figures.put("image_encode_ms", cold.imageEncodeMs());
            figures.put("vision_gflops_per_s", round(visionFlops / cold.imageEncodeMs() / 1e6));
            figures.put("vision_vs_gemm", round(visionFlops / cold.imageEncodeMs() / 1e6 / gemm));
            figures.put("prefill_positions", prefillPositions);
            figures.put("prefill_ms", t.prefillMs());
            figures.put("prefill_tokens_per_s", round(prefillTokS));
            figures.put("prefill_vs_gemm", round(prefillFlops / t.prefillMs() / 1e6 / gemm));
            figures.put("decode_tokens", decoded);
            figures.put("decode_ms_per_token", round(decodeMsPerToken));
            figures.put("decode_tokens_per_s", round(1000.0 / decodeMsPerToken));
            figures.put("decode_roofline_ms_per_token", round(rooflineMs));
            figures.put("decode_vs_roofline", round(rooflineMs / decodeMsPerToken));
            figures.put("ttft_cold_ms", cold.imageEncodeMs() + t.ttftMs());
            long cachedTtft = cached.imageEncodeMs() + cached.generation().timings().ttftMs();
            figures.put("ttft_cached_image_ms", cachedTtft);
            figures.put("ttft_cached_vs_cold", round(cachedTtft / (double) (cold.imageEncodeMs() + t.ttftMs())));
            figures.put("cached_request_reused_positions", cached.reusedPositions());
            figures.put("peak_rss_bytes", peakRss);
            figures.put("peak_rss_vs_weights", round(peakRss / (double) weightBytes));
            figures.put("copy_bandwidth_gb_per_s", round(bandwidth));
            figures.put("gemm_fp32_gflops", round(gemm));
            figures.put("gemm_shape", "600x" + hidden + "x" + hidden);
        }
        if (json) {
            out.println(figures.toString());
        } else {
            figures.fields().forEachRemaining(e -> out.printf(Locale.ROOT, "%-32s %s%n", e.getKey(), e.getValue()));
        }
        out.flush();
        return 0;
    }

    private LlavaResult ask(LlavaEngine engine, String question, byte[] image) {
        GenerationConfig generation = GenerationConfig.builder()
                .maxNewTokens(newTokens)
                .temperature(0)
                .ignoreEos(true)
                .build();
        return engine.generate(
                LlavaRequest.builder()
                        .conversation(Conversation.builder().user(question, 1).build())
                        .image(image)
                        .generation(generation)
                        .build(),
                (delta, token) -> {});
    }

    /** Weights one decode step reads: every decoder matrix plus lm_head (the embedding lookup reads one row). */
    static double decoderLinearParams(LlamaTextConfig t) {
        double d = t.hiddenSize();
        double perLayer = d * d * 2 + 2 * d * t.kvDim() + 3 * d * t.intermediateSize();
        return perLayer * t.numHiddenLayers() + (double) t.vocabSize() * d;
    }

    /** Multiply-adds x2 of one image through the vision layers that run and the projector. */
    static double visionFlops(LlavaConfig c) {
        ClipVisionConfig v = c.vision();
        double p = v.numPositions();
        double dv = v.hiddenSize();
        double perLayer = 2 * p * (4 * dv * dv + 2 * dv * v.intermediateSize()) + 4 * p * p * dv;
        double patch = 2 * v.numPatches() * dv * v.numChannels() * v.patchSize() * v.patchSize();
        double d = c.text().hiddenSize();
        double projector = 2 * c.imageSeqLength() * (dv * d + (c.projectorType() == ProjectorType.MLP2X_GELU ? d * d : 0));
        return perLayer * c.visionLayersToRun() + patch + projector;
    }

    /** FLOPs of a T-position prefill (causal attention counted as half a full square), lm_head on one row. */
    static double prefillFlops(LlamaTextConfig t, int positions) {
        double d = t.hiddenSize();
        double linear = d * d * 2 + 2 * d * t.kvDim() + 3 * d * t.intermediateSize();
        double attention = 2.0 * positions * positions * d;
        return t.numHiddenLayers() * (2 * positions * linear + attention) + 2 * d * t.vocabSize();
    }

    private static double round(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }

}
