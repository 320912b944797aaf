package io.github.llava4j.cli;

import io.github.llava4j.generate.GenerationConfig;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Sampling options shared by generate and chat. */
final class SamplingOptions {
    @Option(names = "--max-new-tokens", defaultValue = "256", paramLabel = "N")
    int maxNewTokens;

    @Option(names = "--temperature", defaultValue = "0", paramLabel = "T",
            description = "0 = greedy (default, as LLaVA-1.5's evaluation)")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1.0", paramLabel = "P")
    double topP;

    @Option(names = "--top-k", defaultValue = "0", paramLabel = "K", description = "0 = off")
    int topK;

    @Option(names = "--repetition-penalty", defaultValue = "1.0", paramLabel = "R", description = "1.0 = off")
    double repetitionPenalty;

    @Option(names = "--seed", paramLabel = "S", description = "makes sampling reproducible")
    Long seed;

    @Option(names = "--stop", paramLabel = "STR", description = "stop when this text is generated (repeatable)")
    List<String> stop = new ArrayList<>();

    GenerationConfig toConfig(int logprobs) {
        return GenerationConfig.builder()
                .maxNewTokens(maxNewTokens)
                .temperature(temperature)
                .topP(topP)
                .topK(topK)
                .repetitionPenalty(repetitionPenalty)
                .seed(seed)
                .stopStrings(stop)
                .logprobs(logprobs)
                .build();
    }
}
