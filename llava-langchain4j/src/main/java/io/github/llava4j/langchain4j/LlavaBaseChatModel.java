package io.github.llava4j.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import io.github.llava4j.generate.LogitsProcessor;
import io.github.llava4j.text.ChatTemplate;
import java.util.Optional;
import dev.langchain4j.exception.UnsupportedFeatureException;
import io.github.llava4j.generate.constrain.JsonConstraint;
import io.github.llava4j.generate.constrain.JsonShape;
import io.github.llava4j.generate.constrain.TokenVocabulary;
import io.github.llava4j.text.Conversation;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import io.github.llava4j.ImageException;
import io.github.llava4j.Llava;
import io.github.llava4j.LlavaEngine;
import io.github.llava4j.LlavaRequest;
import io.github.llava4j.LlavaResult;
import io.github.llava4j.LoadOptions;
import io.github.llava4j.generate.GenerationConfig;
import io.github.llava4j.generate.GenerationListener;
import io.github.llava4j.text.ChatTemplates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the blocking and the streaming model share: the engine (loaded or borrowed), the default request parameters
 * with the builder's values folded in, the listeners, request validation and the mapping to a {@link LlavaRequest}.
 *
 * <p>Ownership: a model built with {@code modelPath} loads its own engine and frees it in {@link #close()}; a model
 * built with {@code engine} borrows it (close the engine yourself, after the models that use it), so several
 * models can share one loaded checkpoint.
 */
abstract class LlavaBaseChatModel implements AutoCloseable {
    private final LlavaEngine engine;
    private final boolean ownsEngine;
    private final String modelName;
    private final String template;
    private final ChatRequestParameters defaultRequestParameters;
    private final List<ChatModelListener> listeners;
    private final ImageContentResolver images;
    private volatile TokenVocabulary vocabulary;
    private volatile ToolCalling.TokenClasses tokenClasses;

    LlavaBaseChatModel(Builder<?, ?> builder) {
        if ((builder.modelPath == null) == (builder.engine == null)) {
            throw new IllegalArgumentException("set exactly one of modelPath (load a checkpoint folder) or engine"
                    + " (share an engine already loaded)");
        }
        if (builder.engine != null && builder.loadOptionSet != null) {
            throw new IllegalArgumentException(builder.loadOptionSet + " applies only when the model loads the"
                    + " checkpoint itself (modelPath); a shared engine keeps the options it was loaded with");
        }
        this.images = new ImageContentResolver(
                builder.httpTimeout == null ? ImageContentResolver.DEFAULT_HTTP_TIMEOUT : builder.httpTimeout,
                builder.maxImageBytes == null ? ImageContentResolver.DEFAULT_MAX_IMAGE_BYTES : builder.maxImageBytes);
        ChatRequestParameters common = builder.defaultRequestParameters == null
                ? DefaultChatRequestParameters.EMPTY
                : builder.defaultRequestParameters;
        if (builder.template != null) {
            ChatTemplates.byName(builder.template); // an unknown name fails here, not at the first request
        }
        this.template = builder.template;
        this.listeners = builder.listeners == null ? List.of() : List.copyOf(builder.listeners);
        // Loading last: nothing below may fail after a 7B model is in memory.
        if (builder.engine != null) {
            this.engine = builder.engine;
            this.ownsEngine = false;
        } else {
            LoadOptions.Builder options = LoadOptions.builder();
            if (builder.device != null) {
                options.device(builder.device);
            }
            if (builder.dtype != null) {
                options.dtype(builder.dtype);
            }
            if (builder.imageCacheBytes != null) {
                options.imageCacheBytes(builder.imageCacheBytes);
            }
            if (builder.template != null) {
                options.template(builder.template);
            }
            this.engine = Llava.load(builder.modelPath, options.build());
            this.ownsEngine = true;
        }
        String folderName = engine.folder().toAbsolutePath().normalize().getFileName() == null
                ? engine.folder().toString()
                : engine.folder().toAbsolutePath().normalize().getFileName().toString();
        this.modelName = first(builder.modelName, common.modelName(), folderName);
        Long commonSeed = common instanceof LlavaChatRequestParameters llava ? llava.seed() : null;
        this.defaultRequestParameters = LlavaChatRequestParameters.builder()
                .overrideWith(common)
                .seed(first(builder.seed, commonSeed))
                .modelName(modelName)
                // Greedy by default, as LLaVA-1.5's evaluation decodes.
                .temperature(first(builder.temperature, common.temperature(), 0.0))
                .topP(first(builder.topP, common.topP(), null))
                .topK(first(builder.topK, common.topK(), null))
                .maxOutputTokens(first(builder.maxOutputTokens, common.maxOutputTokens(), null))
                .stopSequences(builder.stopSequences != null ? builder.stopSequences : common.stopSequences())
                .build();
    }

    /** Checks what this model cannot honour, before any work; throws LangChain4j's exceptions. */
    void validate(ChatRequest request) {
        ChatRequestParameters p = request.parameters();
        ToolCalling.validate(p);
        if (isJson(p)) {
            jsonShape(p); // an unsupported schema fails here, before any work
        }
        if (p.frequencyPenalty() != null) {
            throw new UnsupportedFeatureException("frequencyPenalty is not supported by the llava4j provider");
        }
        if (p.presencePenalty() != null) {
            throw new UnsupportedFeatureException("presencePenalty is not supported by the llava4j provider");
        }
        if (p.modelName() != null && !p.modelName().equals(modelName)) {
            throw new UnsupportedFeatureException("modelName '" + p.modelName() + "' is not supported: this model"
                    + " serves only '" + modelName + "' (the loaded checkpoint " + engine.folder() + ")");
        }
        MessageMapper.toGenerationConfig(p);
        MessageMapper.validateMessages(request.messages());
    }

    /** The runtime request for a validated chat request; resolves (and may fetch) its images. */
    LlavaRequest toLlavaRequest(ChatRequest request) {
        MessageMapper.MappedConversation mapped = MessageMapper.toConversation(request.messages(), images::resolve);
        GenerationConfig generation = MessageMapper.toGenerationConfig(request.parameters());
        Conversation conversation = mapped.conversation();
        Optional<ToolCalling> tools = ToolCalling.of(request);
        JsonShape responseShape = isJson(request.parameters()) ? jsonShape(request.parameters()) : null;
        if (tools.isPresent()) {
            ToolCalling calling = tools.get();
            conversation = calling.withToolsPrompt(conversation, defaultSystem());
            if (responseShape != null && calling.mode() != ToolCalling.Mode.REQUIRED) {
                // JSON output and tools: the answer is either a call or the response's JSON, both grammar-checked.
                JsonShape shape = calling.mode() == ToolCalling.Mode.TEXT
                        ? responseShape
                        : new JsonShape.AnyOfShape(List.of(calling.callShape(), responseShape));
                generation = withConstraint(generation, shape);
                conversation = MessageMapper.appendToLastUserTurn(conversation, jsonInstruction(request.parameters()));
            } else {
                ToolCalling.TokenClasses classes = tokenClasses();
                LogitsProcessor processor = calling.processor(
                        vocabulary(), classes.brace(), classes.whitespace(), generation.maxNewTokens());
                if (processor != null) {
                    generation = generation.toBuilder().addProcessor(processor).build();
                }
            }
        } else if (responseShape != null) {
            // The grammar guarantees the JSON; telling the model the schema keeps its content on topic too.
            generation = withConstraint(generation, responseShape);
            conversation = MessageMapper.appendToLastUserTurn(conversation, jsonInstruction(request.parameters()));
        }
        return LlavaRequest.builder()
                .conversation(conversation)
                .images(mapped.images())
                .template(template)
                .generation(generation)
                .build();
    }

    /**
     * The response to a request: a tool call ({@code FinishReason.TOOL_EXECUTION}) when the request offered tools
     * and the answer is a valid call, else the text answer.
     */
    ChatResponse toChatResponse(ChatRequest request, LlavaResult result) {
        ChatResponse plain = MessageMapper.toChatResponse(result, modelName());
        Optional<ToolExecutionRequest> call = ToolCalling.of(request)
                .flatMap(calling -> calling.parse(result.generation().text()));
        if (call.isEmpty()) {
            return plain;
        }
        return ChatResponse.builder()
                .aiMessage(AiMessage.from(List.of(call.get())))
                .id(plain.id())
                .modelName(plain.modelName())
                .tokenUsage(plain.tokenUsage())
                .finishReason(FinishReason.TOOL_EXECUTION)
                .build();
    }

    /** Whether the answer to this request may be a tool call (so streaming holds back text starting with '{'). */
    static boolean mayCallTool(ChatRequest request) {
        return ToolCalling.of(request).map(calling -> calling.mode() != ToolCalling.Mode.TEXT).orElse(false);
    }

    private GenerationConfig withConstraint(GenerationConfig generation, JsonShape shape) {
        try {
            return generation.toBuilder()
                    .addProcessor(new JsonConstraint(shape, vocabulary(), generation.maxNewTokens()))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage() + " (raise maxOutputTokens)", e);
        }
    }

    private String defaultSystem() {
        ChatTemplate chatTemplate = template != null ? ChatTemplates.byName(template) : engine.defaultTemplate();
        return chatTemplate.defaultSystem();
    }

    /**
     * Runs the request on the engine; an image the runtime cannot decode becomes LangChain4j's
     * {@link InvalidRequestException} (the caller's input was wrong), other runtime errors pass unchanged.
     */
    LlavaResult generate(LlavaRequest request, GenerationListener listener) {
        try {
            return engine.generate(request, listener);
        } catch (ImageException e) {
            throw new InvalidRequestException(e.getMessage(), e);
        }
    }

    LlavaEngine engine() {
        return engine;
    }

    /** The name reported in responses and accepted in requests; by default the checkpoint folder's name. */
    public String modelName() {
        return modelName;
    }

    public ChatRequestParameters defaultRequestParameters() {
        return defaultRequestParameters;
    }

    public List<ChatModelListener> listeners() {
        return listeners;
    }

    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    /**
     * JSON-schema output: grammar-constrained decoding makes every answer parse and match the schema, so AiServices
     * sends the schema rather than format instructions. Tools need no capability flag (see {@link ToolCalling}).
     */
    public Set<Capability> supportedCapabilities() {
        return Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
    }

    private static boolean isJson(ChatRequestParameters p) {
        return p.responseFormat() != null && p.responseFormat().type() == ResponseFormatType.JSON;
    }

    /** The schema's shape, or any JSON object for plain JSON mode. */
    private static JsonShape jsonShape(ChatRequestParameters p) {
        var schema = p.responseFormat().jsonSchema();
        if (schema == null || schema.rootElement() == null) {
            return new JsonShape.FreeObjectShape();
        }
        try {
            return SchemaMapper.toShape(schema.rootElement());
        } catch (IllegalArgumentException e) {
            throw new UnsupportedFeatureException("responseFormat JSON schema: " + e.getMessage());
        }
    }

    private static String jsonInstruction(ChatRequestParameters p) {
        var schema = p.responseFormat().jsonSchema();
        if (schema == null || schema.rootElement() == null) {
            return "Answer with a JSON object.";
        }
        return "Answer with JSON matching this schema: "
                + dev.langchain4j.internal.Json.toJson(
                        dev.langchain4j.internal.JsonSchemaElementUtils.toMap(schema.rootElement()));
    }

    /** Which tokens start with '{' or are only whitespace, computed once per model on first use. */
    private ToolCalling.TokenClasses tokenClasses() {
        ToolCalling.TokenClasses current = tokenClasses;
        if (current == null) {
            synchronized (this) {
                if (tokenClasses == null) {
                    tokenClasses = ToolCalling.TokenClasses.of(engine.tokenizer());
                }
                current = tokenClasses;
            }
        }
        return current;
    }

    /** Every token's bytes, built once per model on first use (a trie over the vocabulary). */
    private TokenVocabulary vocabulary() {
        TokenVocabulary current = vocabulary;
        if (current == null) {
            synchronized (this) {
                if (vocabulary == null) {
                    vocabulary = TokenVocabulary.of(engine.tokenizer());
                }
                current = vocabulary;
            }
        }
        return current;
    }

    /** Closes the engine if this model loaded it ({@code modelPath}); a shared engine is left open. */
    @Override
    public void close() {
        if (ownsEngine) {
            engine.close();
        }
    }

    @SafeVarargs
    private static <T> T first(T... values) {
        for (T value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /**
     * Options shared by both models' builders.
     *
     * @param <C> the model built
     * @param <B> the concrete builder (for chaining)
     */
    public abstract static class Builder<C extends LlavaBaseChatModel, B extends Builder<C, B>> {
        private Path modelPath;
        private LlavaEngine engine;
        private String loadOptionSet;
        private String device;
        private LoadOptions.WeightDtype dtype;
        private Long imageCacheBytes;
        private String template;
        private Double temperature;
        private Double topP;
        private Integer topK;
        private Integer maxOutputTokens;
        private List<String> stopSequences;
        private Long seed;
        private List<ChatModelListener> listeners;
        private ChatRequestParameters defaultRequestParameters;
        private String modelName;
        private Duration httpTimeout;
        private Long maxImageBytes;

        @SuppressWarnings("unchecked")
        B self() {
            return (B) this;
        }

        /** A llava-hf checkpoint folder to load; the model owns the engine and closes it in {@code close()}. */
        public B modelPath(Path modelPath) {
            this.modelPath = modelPath;
            return self();
        }

        /** An engine already loaded, shared with other models; its owner closes it. */
        public B engine(LlavaEngine engine) {
            this.engine = engine;
            return self();
        }

        /** "cpu" (default), "gpu" or "gpu:N"; only with {@link #modelPath}. */
        public B device(String device) {
            this.device = device;
            this.loadOptionSet = device == null ? loadOptionSet : "device";
            return self();
        }

        /** Weight dtype (AUTO picks f32 on CPU when it fits, else f16); only with {@link #modelPath}. */
        public B dtype(LoadOptions.WeightDtype dtype) {
            this.dtype = dtype;
            this.loadOptionSet = dtype == null ? loadOptionSet : "dtype";
            return self();
        }

        /** Bound of the image-embedding cache in bytes (256 MiB by default); only with {@link #modelPath}. */
        public B imageCacheBytes(Long imageCacheBytes) {
            this.imageCacheBytes = imageCacheBytes;
            this.loadOptionSet = imageCacheBytes == null ? loadOptionSet : "imageCacheBytes";
            return self();
        }

        /** Chat template name (vicuna_v1 by default, LLaVA-1.5's); see docs/runtime.md. */
        public B template(String template) {
            this.template = template;
            return self();
        }

        /** 0 = greedy (the default); above 0, sampling. */
        public B temperature(Double temperature) {
            this.temperature = temperature;
            return self();
        }

        public B topP(Double topP) {
            this.topP = topP;
            return self();
        }

        public B topK(Integer topK) {
            this.topK = topK;
            return self();
        }

        /** Longest answer in tokens (the runtime's default: 256). */
        public B maxOutputTokens(Integer maxOutputTokens) {
            this.maxOutputTokens = maxOutputTokens;
            return self();
        }

        public B stopSequences(List<String> stopSequences) {
            this.stopSequences = stopSequences == null ? null : List.copyOf(stopSequences);
            return self();
        }

        /**
         * Seed of the sampler (used when temperature > 0); null = a random seed per request. A request can set its
         * own through {@link LlavaChatRequestParameters}.
         */
        public B seed(Long seed) {
            this.seed = seed;
            return self();
        }

        public B listeners(List<ChatModelListener> listeners) {
            this.listeners = listeners;
            return self();
        }

        /**
         * Defaults for every request (a {@link LlavaChatRequestParameters} may add a seed and a repetition penalty);
         * the individual builder values win over these.
         */
        public B defaultRequestParameters(ChatRequestParameters defaultRequestParameters) {
            this.defaultRequestParameters = defaultRequestParameters;
            return self();
        }

        /** The name reported in responses and accepted in requests (default: the checkpoint folder's name). */
        public B modelName(String modelName) {
            this.modelName = modelName;
            return self();
        }

        /** Timeout of fetching an http(s) image URL (30 s by default). */
        public B httpTimeout(Duration httpTimeout) {
            this.httpTimeout = Objects.requireNonNull(httpTimeout, "httpTimeout");
            return self();
        }

        /** Largest accepted image, from any source (20 MiB by default). */
        public B maxImageBytes(Long maxImageBytes) {
            this.maxImageBytes = maxImageBytes;
            return self();
        }

        public abstract C build();
    }
}
