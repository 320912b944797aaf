package io.github.llava4j.generate;

import java.util.List;

/** The outcome of {@link Generator#generate}: the answer text (stop text excluded), its tokens and accounting. */
public record GenerationResult(
        String text, List<TokenInfo> tokens, FinishReason finishReason, Usage usage, Timings timings) {
    public GenerationResult {
        tokens = List.copyOf(tokens);
    }
}
