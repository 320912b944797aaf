package io.github.llava4j.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ToolChoice;
import io.github.llava4j.generate.LogitsProcessor;
import io.github.llava4j.generate.constrain.JsonConstraint;
import io.github.llava4j.generate.constrain.JsonShape;
import io.github.llava4j.generate.constrain.TokenVocabulary;
import io.github.llava4j.text.Conversation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Tool calling for a model that was never trained for it: the tools are described in the system prompt, a call is
 * the answer {@code {"tool": "<name>", "arguments": {...}}}, and grammar-constrained decoding keeps such an answer
 * valid (a known tool, arguments matching its parameters).
 *
 * <ul>
 *   <li>{@link ToolChoice#REQUIRED}: the whole answer is constrained to a call. Exception: when the request's last
 *       message is a {@link ToolExecutionResultMessage} the answer is free text, otherwise an agent loop
 *       (AiServices) would call tools forever.
 *   <li>{@link ToolChoice#AUTO} (or none): the first non-space character decides. A '{' starts a call, constrained
 *       from there on (tokens that start with '{' but could not begin a valid call are removed); anything else is a
 *       text answer, left alone.
 *   <li>{@link ToolChoice#NONE}: the tools are not offered.
 * </ul>
 * One call per answer. Package-private: the chat models use it.
 */
final class ToolCalling {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How this answer is decoded. */
    enum Mode {
        /** Constrained from the first token to a call. */
        REQUIRED,
        /** The model chooses; a '{' start is constrained to a call. */
        AUTO,
        /** Tools were offered but the answer must be text (REQUIRED after a tool result). */
        TEXT
    }

    private final List<ToolSpecification> tools;
    private final Mode mode;
    private final JsonShape callShape;

    private ToolCalling(List<ToolSpecification> tools, Mode mode) {
        this.tools = List.copyOf(tools);
        this.mode = mode;
        List<JsonShape> calls = new ArrayList<>();
        for (ToolSpecification tool : tools) {
            calls.add(JsonShape.object(
                    JsonShape.required("tool", JsonShape.enumOf(tool.name())),
                    JsonShape.required("arguments", argumentsShape(tool))));
        }
        this.callShape = calls.size() == 1 ? calls.get(0) : new JsonShape.AnyOfShape(calls);
    }

    /**
     * Checks the tool parameters of a request: toolChoice first (REQUIRED needs tools), then each tool (a name,
     * parameters the grammar can express).
     */
    static void validate(ChatRequestParameters p) {
        boolean hasTools = p.toolSpecifications() != null && !p.toolSpecifications().isEmpty();
        if (p.toolChoice() == ToolChoice.REQUIRED && !hasTools) {
            throw new InvalidRequestException("toolChoice REQUIRED needs at least one tool (toolSpecifications is"
                    + " empty)");
        }
        if (!hasTools) {
            return;
        }
        List<String> names = new ArrayList<>();
        for (ToolSpecification tool : p.toolSpecifications()) {
            if (tool.name() == null || tool.name().isBlank()) {
                throw new InvalidRequestException("a tool specification has no name");
            }
            if (names.contains(tool.name())) {
                throw new InvalidRequestException("two tools are named '" + tool.name() + "'");
            }
            names.add(tool.name());
            try {
                argumentsShape(tool);
            } catch (UnsupportedFeatureException e) {
                throw new UnsupportedFeatureException("parameters of tool '" + tool.name() + "': " + e.getMessage());
            }
        }
    }

    /** Tool calling for this (validated) request, or empty when it offers no tools (or toolChoice NONE). */
    static Optional<ToolCalling> of(ChatRequest request) {
        ChatRequestParameters p = request.parameters();
        if (p.toolSpecifications() == null || p.toolSpecifications().isEmpty() || p.toolChoice() == ToolChoice.NONE) {
            return Optional.empty();
        }
        Mode mode = Mode.AUTO;
        if (p.toolChoice() == ToolChoice.REQUIRED) {
            List<ChatMessage> messages = request.messages();
            boolean afterResult = !messages.isEmpty()
                    && messages.get(messages.size() - 1) instanceof ToolExecutionResultMessage;
            mode = afterResult ? Mode.TEXT : Mode.REQUIRED;
        }
        return Optional.of(new ToolCalling(p.toolSpecifications(), mode));
    }

    Mode mode() {
        return mode;
    }

    /** The shape of one call: anyOf over the tools of {tool: name, arguments: parameters}. */
    JsonShape callShape() {
        return callShape;
    }

    /** The conversation with the tools section appended to its system prompt ({@code defaultSystem} if none). */
    Conversation withToolsPrompt(Conversation conversation, String defaultSystem) {
        String system = conversation.system() != null ? conversation.system() : defaultSystem;
        String tools = toolsSection();
        String merged = system == null || system.isEmpty() ? tools : system + "\n\n" + tools;
        return new Conversation(merged, conversation.turns());
    }

    /** The system-prompt text describing the tools and how to call one. */
    String toolsSection() {
        StringBuilder text = new StringBuilder("You can call these tools:\n");
        for (ToolSpecification tool : tools) {
            text.append("- ").append(tool.name());
            if (tool.description() != null && !tool.description().isBlank()) {
                text.append(": ").append(tool.description().strip());
            }
            text.append("\n  parameters: ").append(parametersJson(tool)).append('\n');
        }
        text.append("To call a tool, answer only with JSON {\"tool\": \"<name>\", \"arguments\": {...}};"
                + " otherwise answer normally.");
        return text.toString();
    }

    /**
     * The logits processor of this answer, or null when it is unconstrained ({@link Mode#TEXT}).
     *
     * @param braceTokens per token id: its bytes start with '{' after optional whitespace
     * @param whitespaceTokens per token id: its bytes are only whitespace (or empty)
     */
    LogitsProcessor processor(TokenVocabulary vocabulary, boolean[] braceTokens, boolean[] whitespaceTokens,
            int maxNewTokens) {
        return switch (mode) {
            case TEXT -> null;
            case REQUIRED -> {
                try {
                    yield new JsonConstraint(callShape, vocabulary, maxNewTokens);
                } catch (IllegalArgumentException e) {
                    throw new InvalidRequestException("toolChoice REQUIRED: " + e.getMessage()
                            + " (raise maxOutputTokens)", e);
                }
            }
            case AUTO -> new AutoToolProcessor(callShape, vocabulary, braceTokens, whitespaceTokens, maxNewTokens);
        };
    }

    /** The call in an answer's text, if it is one: a JSON object naming a known tool, with object arguments. */
    Optional<ToolExecutionRequest> parse(String text) {
        if (mode == Mode.TEXT || text == null) {
            return Optional.empty();
        }
        String trimmed = text.strip();
        if (!trimmed.startsWith("{")) {
            return Optional.empty();
        }
        JsonNode call;
        try {
            call = JSON.readTree(trimmed);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        if (call == null || !call.isObject() || !call.path("tool").isTextual() || !call.path("arguments").isObject()) {
            return Optional.empty();
        }
        String name = call.get("tool").asText();
        if (tools.stream().noneMatch(tool -> tool.name().equals(name))) {
            return Optional.empty();
        }
        return Optional.of(ToolExecutionRequest.builder()
                .id("call_" + UUID.randomUUID().toString().replace("-", ""))
                .name(name)
                .arguments(call.get("arguments").toString())
                .build());
    }

    /**
     * A call as the model writes it, {@code {"tool": "<name>", "arguments": {...}}}, for rendering the history the
     * same way; arguments that are not a JSON object are kept as a string value.
     */
    static String render(ToolExecutionRequest call) {
        String arguments = call.arguments() == null || call.arguments().isBlank() ? "{}" : call.arguments();
        try {
            JsonNode parsed = JSON.readTree(arguments);
            arguments = parsed == null ? "{}" : parsed.toString();
        } catch (JsonProcessingException e) {
            arguments = JSON.valueToTree(arguments).toString();
        }
        return "{\"tool\": " + JSON.valueToTree(call.name()) + ", \"arguments\": " + arguments + "}";
    }

    private static JsonShape argumentsShape(ToolSpecification tool) {
        if (tool.parameters() == null || tool.parameters().properties() == null
                || tool.parameters().properties().isEmpty()) {
            return new JsonShape.ObjectShape(List.of()); // exactly {}
        }
        return SchemaMapper.toShape(tool.parameters());
    }

    private static String parametersJson(ToolSpecification tool) {
        if (tool.parameters() == null) {
            return "{}";
        }
        try {
            Map<String, Object> schema = new LinkedHashMap<>(JsonSchemaElementUtils.toMap(tool.parameters()));
            return JSON.writeValueAsString(schema);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the parameters of tool " + tool.name(), e);
        }
    }

    /**
     * {@link ToolChoice#AUTO}'s processor: while the answer is only whitespace, tokens that start with '{' are kept
     * only if they can begin a valid call; once the answer starts with '{' the call's constraint takes over, once
     * it starts with anything else nothing is constrained.
     *
     * <p>A {@link JsonConstraint} takes the context length of its first call as its prompt length, so each undecided
     * step makes a fresh candidate whose "prompt" is everything so far (whitespace included) and whose budget is
     * the tokens left; the candidate of the step that produced the '{' token is kept, and sees exactly the tokens
     * generated after its first call.
     */
    static final class AutoToolProcessor implements LogitsProcessor {
        private final JsonShape shape;
        private final TokenVocabulary vocabulary;
        private final boolean[] braceTokens;
        private final boolean[] whitespaceTokens;
        private final int maxNewTokens;
        private int promptLength = -1;
        private int seen;
        private JsonConstraint candidate;
        private JsonConstraint call;
        private boolean text;

        AutoToolProcessor(JsonShape shape, TokenVocabulary vocabulary, boolean[] braceTokens,
                boolean[] whitespaceTokens, int maxNewTokens) {
            this.shape = shape;
            this.vocabulary = vocabulary;
            this.braceTokens = braceTokens;
            this.whitespaceTokens = whitespaceTokens;
            this.maxNewTokens = maxNewTokens;
        }

        @Override
        public void process(float[] logits, int[] context) {
            if (promptLength < 0) {
                promptLength = context.length;
            }
            while (call == null && !text && promptLength + seen < context.length) {
                int id = context[promptLength + seen++];
                boolean known = id >= 0 && id < braceTokens.length;
                if (known && braceTokens[id] && candidate != null) {
                    call = candidate; // it allowed this token at its first call
                } else if (!known || !whitespaceTokens[id]) {
                    text = true;
                }
            }
            if (call != null) {
                call.process(logits, context);
                return;
            }
            if (text) {
                return;
            }
            int generated = context.length - promptLength;
            float[] mask = logits.clone();
            try {
                candidate = new JsonConstraint(shape, vocabulary, maxNewTokens - generated);
                candidate.process(mask, context);
            } catch (IllegalArgumentException | IllegalStateException e) {
                // Too few tokens left for any call (or none fits): no '{' start at all.
                candidate = null;
                java.util.Arrays.fill(mask, Float.NEGATIVE_INFINITY);
            }
            for (int id = 0; id < logits.length && id < braceTokens.length; id++) {
                if (braceTokens[id] && mask[id] == Float.NEGATIVE_INFINITY) {
                    logits[id] = Float.NEGATIVE_INFINITY;
                }
            }
        }
    }

    /** Per token: whether its bytes start with '{' after optional whitespace, and whether they are all whitespace. */
    record TokenClasses(boolean[] brace, boolean[] whitespace) {
        static TokenClasses of(io.github.llava4j.text.LlavaTokenizer tokenizer) {
            int size = tokenizer.vocabSize();
            boolean[] brace = new boolean[size];
            boolean[] whitespace = new boolean[size];
            for (int id = 0; id < size; id++) {
                byte[] bytes = id == tokenizer.eosId() ? new byte[0] : tokenizer.tokenBytes(id);
                int i = 0;
                while (bytes != null && i < bytes.length && isSpace(bytes[i])) {
                    i++;
                }
                if (bytes == null || i == bytes.length) {
                    whitespace[id] = id != tokenizer.eosId();
                } else {
                    brace[id] = bytes[i] == '{';
                }
            }
            return new TokenClasses(brace, whitespace);
        }

        private static boolean isSpace(byte b) {
            return b == ' ' || b == '\n' || b == '\t' || b == '\r';
        }
    }
}
