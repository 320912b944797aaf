package io.github.llava4j.langchain4j;

import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import java.util.Objects;

/**
 * LangChain4j's common request parameters plus what the llava4j runtime adds: the sampler's {@code seed} and a
 * {@code repetitionPenalty} (HF/CTRL style, 1.0 = off). Use it per request
 * ({@code ChatRequest.builder().parameters(LlavaChatRequestParameters.builder().seed(7L).build())}) or as a model's
 * {@code defaultRequestParameters}; merging keeps the extra fields (non-null values of the overriding side win).
 */
public class LlavaChatRequestParameters extends DefaultChatRequestParameters {
    private final Long seed;
    private final Double repetitionPenalty;

    protected LlavaChatRequestParameters(Builder builder) {
        super(builder);
        this.seed = builder.seed;
        this.repetitionPenalty = builder.repetitionPenalty;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Seed of the sampler (used when temperature > 0); null = unset. */
    public Long seed() {
        return seed;
    }

    /** Penalty on tokens already in the prompt or answer; null = unset (off). */
    public Double repetitionPenalty() {
        return repetitionPenalty;
    }

    @Override
    public ChatRequestParameters overrideWith(ChatRequestParameters that) {
        return builder().overrideWith(this).overrideWith(that).build();
    }

    @Override
    public ChatRequestParameters defaultedBy(ChatRequestParameters that) {
        return builder().overrideWith(that).overrideWith(this).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LlavaChatRequestParameters that
                && super.equals(o)
                && Objects.equals(seed, that.seed)
                && Objects.equals(repetitionPenalty, that.repetitionPenalty);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), seed, repetitionPenalty);
    }

    @Override
    public String toString() {
        return "LlavaChatRequestParameters{" + super.toString() + ", seed=" + seed + ", repetitionPenalty="
                + repetitionPenalty + "}";
    }

    /** Builds {@link LlavaChatRequestParameters}. */
    public static class Builder extends DefaultChatRequestParameters.Builder<Builder> {
        private Long seed;
        private Double repetitionPenalty;

        /** Copies the non-null values of {@code parameters}, the llava4j fields included when it has them. */
        @Override
        public Builder overrideWith(ChatRequestParameters parameters) {
            if (parameters == null) {
                return this;
            }
            super.overrideWith(parameters);
            if (parameters instanceof LlavaChatRequestParameters llava) {
                if (llava.seed != null) {
                    seed = llava.seed;
                }
                if (llava.repetitionPenalty != null) {
                    repetitionPenalty = llava.repetitionPenalty;
                }
            }
            return this;
        }

        public Builder seed(Long seed) {
            this.seed = seed;
            return this;
        }

        public Builder repetitionPenalty(Double repetitionPenalty) {
            this.repetitionPenalty = repetitionPenalty;
            return this;
        }

        @Override
        public LlavaChatRequestParameters build() {
            return new LlavaChatRequestParameters(this);
        }
    }
}
