package io.github.llava4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llava4j.LlavaResult;
import io.github.llava4j.generate.GenerationResult;
import io.github.llava4j.generate.TokenInfo;
import java.util.Locale;

/** The {@code --json} object of {@code llava generate} (contract: DESIGN.md section 3). */
final class JsonOutput {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonOutput() {}

    static String toJson(LlavaResult result) {
        GenerationResult generation = result.generation();
        ObjectNode root = JSON.createObjectNode();
        root.put("text", generation.text());
        root.put("finish_reason", generation.finishReason().name().toLowerCase(Locale.ROOT));
        ArrayNode prompt = root.putArray("prompt_token_ids");
        for (int id : result.promptTokenIds()) {
            prompt.add(id);
        }
        ArrayNode tokens = root.putArray("tokens");
        for (TokenInfo token : generation.tokens()) {
            ObjectNode t = tokens.addObject();
            t.put("id", token.id());
            t.put("text", token.text());
            t.put("logprob", token.logprob());
            if (!token.topLogprobs().isEmpty()) {
                ArrayNode top = t.putArray("top_logprobs");
                for (TokenInfo.Alternative alternative : token.topLogprobs()) {
                    top.addObject().put("id", alternative.id()).put("logprob", alternative.logprob());
                }
            }
        }
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", generation.usage().promptTokens());
        usage.put("completion_tokens", generation.usage().completionTokens());
        ObjectNode timings = root.putObject("timings");
        timings.put("image_encode_ms", result.imageEncodeMs());
        timings.put("prefill_ms", generation.timings().prefillMs());
        timings.put("decode_ms", generation.timings().decodeMs());
        timings.put("ttft_ms", result.imageEncodeMs() + generation.timings().ttftMs());
        return root.toString();
    }
}
