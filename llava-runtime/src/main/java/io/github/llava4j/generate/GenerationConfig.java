package io.github.llava4j.generate;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How to pick tokens and when to stop. Build with {@link #builder()}; defaults are greedy decoding of at most 256
 * tokens, as LLaVA-1.5's evaluation scripts do.
 *
 * @param temperature 0 means greedy (argmax); above 0, sampling from softmax(logits / temperature)
 * @param topK keep only the K most likely tokens before sampling; 0 = off
 * @param topP keep the smallest set of tokens whose probability adds up to at least P; 1.0 = off
 * @param repetitionPenalty HF/CTRL penalty on tokens already in the prompt or answer; 1.0 = off
 * @param seed seed of the sampler; null = a random seed per request
 * @param stopStrings generation stops when the text contains one of them; the stop text is never returned
 * @param eosTokenIds tokens that end generation; empty = the checkpoint's generation_config.json EOS ids
 * @param ignoreEos keep going through EOS until maxNewTokens (for benchmarks)
 * @param logprobs 0 = no log-probabilities; K > 0 = each token's log-probability and its top K alternatives
 * @param processors extra logits processors run after the built-in ones (for example constrained decoding)
 */
public record GenerationConfig(
        int maxNewTokens,
        double temperature,
        int topK,
        double topP,
        double repetitionPenalty,
        Long seed,
        List<String> stopStrings,
        Set<Integer> eosTokenIds,
        boolean ignoreEos,
        int logprobs,
        List<LogitsProcessor> processors) {

    public GenerationConfig {
        if (maxNewTokens <= 0) {
            throw new IllegalArgumentException("maxNewTokens must be > 0, got " + maxNewTokens);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0 (0 = off), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
            throw new IllegalArgumentException("repetitionPenalty must be a finite number > 0, got "
                    + repetitionPenalty);
        }
        if (logprobs < 0) {
            throw new IllegalArgumentException("logprobs must be >= 0, got " + logprobs);
        }
        stopStrings = List.copyOf(stopStrings);
        for (String stop : stopStrings) {
            if (stop.isEmpty()) {
                throw new IllegalArgumentException("stop strings must not be empty");
            }
        }
        eosTokenIds = Set.copyOf(eosTokenIds);
        processors = List.copyOf(processors);
    }

    public boolean greedy() {
        return temperature == 0;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .maxNewTokens(maxNewTokens)
                .temperature(temperature)
                .topK(topK)
                .topP(topP)
                .repetitionPenalty(repetitionPenalty)
                .seed(seed)
                .stopStrings(stopStrings)
                .eosTokenIds(eosTokenIds)
                .ignoreEos(ignoreEos)
                .logprobs(logprobs)
                .processors(processors);
    }

    public static final class Builder {
        private int maxNewTokens = 256;
        private double temperature;
        private int topK;
        private double topP = 1.0;
        private double repetitionPenalty = 1.0;
        private Long seed;
        private List<String> stopStrings = new ArrayList<>();
        private Set<Integer> eosTokenIds = new LinkedHashSet<>();
        private boolean ignoreEos;
        private int logprobs;
        private List<LogitsProcessor> processors = new ArrayList<>();

        public Builder maxNewTokens(int maxNewTokens) {
            this.maxNewTokens = maxNewTokens;
            return this;
        }

        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        public Builder topK(int topK) {
            this.topK = topK;
            return this;
        }

        public Builder topP(double topP) {
            this.topP = topP;
            return this;
        }

        public Builder repetitionPenalty(double repetitionPenalty) {
            this.repetitionPenalty = repetitionPenalty;
            return this;
        }

        public Builder seed(Long seed) {
            this.seed = seed;
            return this;
        }

        public Builder stopStrings(List<String> stopStrings) {
            this.stopStrings = new ArrayList<>(Objects.requireNonNull(stopStrings, "stopStrings"));
            return this;
        }

        public Builder eosTokenIds(Set<Integer> eosTokenIds) {
            this.eosTokenIds = new LinkedHashSet<>(Objects.requireNonNull(eosTokenIds, "eosTokenIds"));
            return this;
        }

        public Builder ignoreEos(boolean ignoreEos) {
            this.ignoreEos = ignoreEos;
            return this;
        }

        public Builder logprobs(int logprobs) {
            this.logprobs = logprobs;
            return this;
        }

        public Builder processors(List<LogitsProcessor> processors) {
            this.processors = new ArrayList<>(Objects.requireNonNull(processors, "processors"));
            return this;
        }

        public Builder addProcessor(LogitsProcessor processor) {
            this.processors.add(Objects.requireNonNull(processor, "processor"));
            return this;
        }

        public GenerationConfig build() {
            return new GenerationConfig(maxNewTokens, temperature, topK, topP, repetitionPenalty, seed, stopStrings,
                    eosTokenIds, ignoreEos, logprobs, processors);
        }
    }
}
