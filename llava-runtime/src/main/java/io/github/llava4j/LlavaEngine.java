package io.github.llava4j;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.github.llava4j.cache.ImageEmbeddingCache;
import io.github.llava4j.cache.ImageKey;
import io.github.llava4j.cache.KvPrefixCache;
import io.github.llava4j.config.ConfigReader;
import io.github.llava4j.config.GenerationDefaults;
import io.github.llava4j.config.LlavaConfig;
import io.github.llava4j.config.PreprocessorConfig;
import io.github.llava4j.generate.GenerationConfig;
import io.github.llava4j.generate.GenerationListener;
import io.github.llava4j.generate.GenerationResult;
import io.github.llava4j.generate.Generator;
import io.github.llava4j.generate.LogitsSource;
import io.github.llava4j.image.ImageLoader;
import io.github.llava4j.image.ImagePreprocessor;
import io.github.llava4j.image.PixelValues;
import io.github.llava4j.io.Checkpoint;
import io.github.llava4j.io.LlavaLoader;
import io.github.llava4j.io.MemoryEstimate;
import io.github.llava4j.model.KvCache;
import io.github.llava4j.model.LlavaModel;
import io.github.llava4j.text.ChatTemplate;
import io.github.llava4j.text.ChatTemplates;
import io.github.llava4j.text.LlavaTokenizer;
import io.github.llava4j.text.PromptTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A loaded LLaVA checkpoint ready to answer: the model, its tokenizer and templates, image preprocessing, the
 * image-embedding cache and the KV prefix cache. Create it with {@link Llava#load}; close it to free native memory.
 *
 * <h2>Thread safety</h2>
 * One engine serves any number of threads. Each request owns its sequence state (KV cache, temporaries); the shared
 * model runs one step at a time under a <em>fair</em> lock, taken per forward step (an image encode, a prefill, one
 * decode step), so concurrent requests interleave token by token in arrival order instead of one request holding
 * the model until it finishes. libtorch already uses every core inside one step, so running steps in parallel would
 * not be faster. Streaming callbacks run on the requesting thread, outside the lock.
 */
public final class LlavaEngine implements AutoCloseable {
    private final Path folder;
    private final String modelId;
    private final LlavaConfig config;
    private final GenerationDefaults generationDefaults;
    /** Kept open while the model lives: weights loaded zero-copy read its memory-mapped files. */
    private final Checkpoint checkpoint;
    private final LlavaModel model;
    private final DataType weightDtype;
    private final long weightBytes;
    private final LlavaTokenizer tokenizer;
    private final ChatTemplate defaultTemplate;
    private final ImagePreprocessor preprocessor;
    private final ImageEmbeddingCache imageCache;
    private final KvPrefixCache prefixCache;
    private final int maxContext;
    private final ReentrantLock modelLock = new ReentrantLock(true);
    private static final int KV_HEADROOM = 256;

    private LlavaEngine(
            Path folder,
            LlavaConfig config,
            GenerationDefaults generationDefaults,
            Checkpoint checkpoint,
            LlavaModel model,
            DataType weightDtype,
            long weightBytes,
            LlavaTokenizer tokenizer,
            PreprocessorConfig preprocessorConfig,
            LoadOptions options) {
        this.folder = folder;
        this.modelId = folder.toAbsolutePath().normalize() + "#" + weightDtype;
        this.config = config;
        this.generationDefaults = generationDefaults;
        this.checkpoint = checkpoint;
        this.model = model;
        this.weightDtype = weightDtype;
        this.weightBytes = weightBytes;
        this.tokenizer = tokenizer;
        this.defaultTemplate = ChatTemplates.byName(options.template().orElse(ChatTemplates.DEFAULT_NAME));
        this.preprocessor = new ImagePreprocessor(preprocessorConfig);
        this.imageCache = new ImageEmbeddingCache(options.imageCacheBytes(), model.weightsManager().getDevice());
        this.prefixCache = new KvPrefixCache(options.prefixCacheEntries());
        int modelMax = config.text().maxPositionEmbeddings();
        this.maxContext = options.maxContext() == 0 ? modelMax : Math.min(options.maxContext(), modelMax);
    }

    static LlavaEngine open(Path folder, LoadOptions options) {
        DjlDefaults.apply();
        if (!Files.isDirectory(folder)) {
            throw new CheckpointException(folder + ": checkpoint folder not found");
        }
        LlavaConfig config = ConfigReader.readLlavaConfig(folder);
        PreprocessorConfig preprocessorConfig =
                ConfigReader.readPreprocessorConfig(folder, config.vision().imageSize());
        if (options.imageMode().isPresent()) {
            preprocessorConfig = preprocessorConfig.withMode(options.imageMode().get());
        }
        GenerationDefaults generationDefaults = ConfigReader.readGenerationDefaults(folder, config);
        Device device = Devices.parse(options.device());
        LlavaTokenizer tokenizer = LlavaTokenizer.load(folder);
        Checkpoint checkpoint = null;
        try {
            checkpoint = Checkpoint.open(folder);
            MemoryEstimate estimate = MemoryEstimate.of(checkpoint, workingBytes(config, options));
            DataType dtype = weightDtype(options, estimate, device);
            if (options.checkMemory() && Device.Type.CPU.equals(device.getDeviceType())) {
                estimate.requireFits(dtype);
            }
            LlavaModel model = LlavaLoader.load(checkpoint, config, dtype, device);
            long weightBytes = MemoryEstimate.of(checkpoint, 0).bytes(dtype);
            return new LlavaEngine(folder, config, generationDefaults, checkpoint, model, dtype, weightBytes,
                    tokenizer, preprocessorConfig, options);
        } catch (RuntimeException e) {
            tokenizer.close();
            if (checkpoint != null) {
                checkpoint.close();
            }
            throw e;
        }
    }

    /** Answers the request, streaming text to {@code listener} as it is generated. */
    public LlavaResult generate(LlavaRequest request, GenerationListener listener) {
        ChatTemplate template = request.template().map(ChatTemplates::byName).orElse(defaultTemplate);
        PromptTokens prompt = template.encode(request.conversation(), tokenizer, config.imageTokenIndex());
        int[] ids = prompt.ids();
        if (prompt.imagePositions().length != request.images().size()) {
            throw new LlavaException("the conversation has " + prompt.imagePositions().length
                    + " image placeholder(s) but " + request.images().size() + " image(s) were given");
        }
        GenerationConfig generation = withDefaults(request.generation(), template);
        try (NDManager manager = NDManager.newBaseManager(model.weightsManager().getDevice())) {
            long encodeStart = System.nanoTime();
            List<ImageKey> keys = new ArrayList<>();
            List<NDArray> features = new ArrayList<>();
            int encoded = 0;
            for (byte[] image : request.images()) {
                ImageKey key = new ImageKey(ImageLoader.sha256(image), preprocessor.preprocessingKey(), modelId);
                ImageEmbeddingCache.Lookup lookup = imageCache.get(key, target -> encodeImage(image, target), manager);
                encoded += lookup.computed() ? 1 : 0;
                keys.add(key);
                features.add(lookup.features());
            }
            long imageEncodeMs = (System.nanoTime() - encodeStart) / 1_000_000;

            KvPrefixCache.Content content =
                    new KvPrefixCache.Content(ids, keys, config.imageTokenIndex(), config.imageSeqLength());
            int positions = content.expandedLength();
            if (positions >= maxContext) {
                throw new LlavaException("the prompt needs " + positions + " positions (images expanded), more than"
                        + " the context of " + maxContext + " tokens");
            }
            if (positions + generation.maxNewTokens() > maxContext) {
                // The answer may only fill what is left of the context; reaching the end is a LENGTH finish.
                generation = generation.toBuilder().maxNewTokens(maxContext - positions).build();
            }
            int needed = positions + generation.maxNewTokens();
            Sequence sequence = new Sequence(content, needed, features, manager);
            try {
                GenerationResult result = Generator.generate(
                        sequence, new StreamDecoder(tokenizer), generation, listener, ids, positions);
                return new LlavaResult(result, ids, positions, sequence.reused, positions - sequence.reused, encoded,
                        imageEncodeMs);
            } finally {
                sequence.release();
            }
        }
    }

    /**
     * The decoder state of one request: a KV cache (reused from the prefix cache when possible) and the tokens fed
     * so far, so that the state can be offered back for the next turn.
     */
    private final class Sequence implements LogitsSource {
        private final KvPrefixCache.Content prompt;
        private final List<NDArray> features;
        private final NDManager manager;
        private final List<Integer> fed = new ArrayList<>();
        private final KvCache cache;
        private final int reused;
        private boolean failed;

        Sequence(KvPrefixCache.Content prompt, int needed, List<NDArray> features, NDManager manager) {
            this.prompt = prompt;
            this.features = features;
            this.manager = manager;
            var lease = prefixCache.lease(prompt, needed);
            // Headroom lets the next turn of the conversation reuse this cache for its longer prompt.
            this.cache = lease.map(KvPrefixCache.Lease::cache)
                    .orElseGet(() -> newCache(Math.min(maxContext, needed + KV_HEADROOM)));
            this.reused = lease.map(KvPrefixCache.Lease::reusable).orElse(0);
        }

        @Override
        public float[] prefill() {
            return locked(() -> {
                try (NDManager step = manager.newSubManager()) {
                    NDArray embeds = model.embed(prompt.ids(), features, step); // [T, D]
                    NDArray fresh = reused == 0 ? embeds : embeds.get(new NDIndex("{}:", reused));
                    return model.forward(fresh, cache, false, step).toFloatArray(); // [1, V]
                }
            });
        }

        @Override
        public float[] step(int tokenId) {
            fed.add(tokenId);
            return locked(() -> {
                try (NDManager step = manager.newSubManager()) {
                    NDArray embeds = model.embedText(new int[] {tokenId}, step); // [1, D]
                    return model.forward(embeds, cache, false, step).toFloatArray();
                }
            });
        }

        /** Offers the cache back for prefix reuse (or frees it when the request failed part-way). */
        void release() {
            if (failed || cache.position() != prompt.expandedLength() + fed.size()) {
                cache.close();
                return;
            }
            int[] ids = new int[prompt.ids().length + fed.size()];
            System.arraycopy(prompt.ids(), 0, ids, 0, prompt.ids().length);
            for (int i = 0; i < fed.size(); i++) {
                ids[prompt.ids().length + i] = fed.get(i);
            }
            prefixCache.offer(
                    new KvPrefixCache.Content(ids, prompt.images(), prompt.imageTokenId(), prompt.imageSeqLength()),
                    cache);
        }

        private float[] locked(java.util.function.Supplier<float[]> work) {
            modelLock.lock();
            try {
                return work.get();
            } catch (RuntimeException e) {
                failed = true;
                throw e;
            } finally {
                modelLock.unlock();
            }
        }
    }

    /** The tokenizer's incremental UTF-8 decoder as the generation loop sees it. */
    private static final class StreamDecoder implements io.github.llava4j.generate.TokenTextDecoder {
        private final LlavaTokenizer tokenizer;
        private final io.github.llava4j.text.Utf8StreamDecoder utf8;

        StreamDecoder(LlavaTokenizer tokenizer) {
            this.tokenizer = tokenizer;
            this.utf8 = tokenizer.streamDecoder();
        }

        @Override
        public String push(int tokenId) {
            return utf8.push(tokenId);
        }

        @Override
        public String flush() {
            return utf8.flush();
        }

        @Override
        public String tokenText(int tokenId) {
            return tokenizer.tokenText(tokenId);
        }
    }

    /** Vision tower + projector for one image: {@code [imageSeqLength, D]} in the cache's manager. */
    private NDArray encodeImage(byte[] image, NDManager target) {
        PixelValues pixels = preprocessor.preprocess(image, "image");
        modelLock.lock();
        try (NDManager scratch = target.newSubManager()) {
            NDArray input = scratch.create(pixels.chw(), new ai.djl.ndarray.types.Shape(pixels.shape()))
                    .expandDims(0); // [1, C, H, W]
            NDArray features = model.encodeImages(input, scratch); // [1, S, D]
            NDArray single = features.squeeze(0); // [S, D]
            single.attach(target);
            return single;
        } finally {
            modelLock.unlock();
        }
    }

    private KvCache newCache(int capacity) {
        return model.newKvCache(capacity);
    }

    private GenerationConfig withDefaults(GenerationConfig generation, ChatTemplate template) {
        GenerationConfig.Builder builder = generation.toBuilder();
        if (generation.eosTokenIds().isEmpty()) {
            builder.eosTokenIds(new LinkedHashSet<>(generationDefaults.eosTokenIds()));
        }
        Set<String> stops = new LinkedHashSet<>(generation.stopStrings());
        stops.addAll(template.stopStrings());
        builder.stopStrings(new ArrayList<>(stops));
        // The image token is a placeholder for pixels, never an answer: a generated one could not be told apart from
        // an image slot when the conversation continues. Raw log-probs (taken before processors) still report it.
        int imageToken = config.imageTokenIndex();
        builder.addProcessor((logits, context) -> {
            if (imageToken < logits.length) {
                logits[imageToken] = Float.NEGATIVE_INFINITY;
            }
        });
        return builder.build();
    }

    /**
     * Activations and one KV cache of a long conversation (the configured context, at most 2048 positions: caches are
     * sized per request, so the model's full 4096 is not reserved up front), on top of the weights.
     */
    private static long workingBytes(LlavaConfig config, LoadOptions options) {
        var t = config.text();
        int context = Math.min(2048, options.maxContext() == 0 ? t.maxPositionEmbeddings() : options.maxContext());
        long kv = 2L * t.numHiddenLayers() * t.kvDim() * (long) context * Float.BYTES;
        long activations = 64L << 20;
        return kv + activations;
    }

    private static DataType weightDtype(LoadOptions options, MemoryEstimate estimate, Device device) {
        return switch (options.dtype()) {
            case F32 -> DataType.FLOAT32;
            case F16 -> DataType.FLOAT16;
            case AUTO -> {
                if (!Device.Type.CPU.equals(device.getDeviceType())) {
                    yield DataType.FLOAT16;
                }
                yield estimate.bytes(DataType.FLOAT32) <= MemoryEstimate.availableBytes()
                        ? DataType.FLOAT32
                        : DataType.FLOAT16;
            }
        };
    }

    public LlavaConfig config() {
        return config;
    }

    public LlavaTokenizer tokenizer() {
        return tokenizer;
    }

    /** The chat template used by requests that name none (LoadOptions' template, else vicuna_v1). */
    public ChatTemplate defaultTemplate() {
        return defaultTemplate;
    }

    public Device device() {
        return model.weightsManager().getDevice();
    }

    /** Bytes of the loaded weights (estimated from the checkpoint's shapes and the weight dtype). */
    public long weightBytes() {
        return weightBytes;
    }

    /** Bytes per element of the big weight matrices (4 for f32, 2 for f16). */
    public int weightElementBytes() {
        return weightDtype == DataType.FLOAT16 ? 2 : 4;
    }

    public String weightDtypeName() {
        return weightDtype == DataType.FLOAT16 ? "f16" : "f32";
    }

    public Path folder() {
        return folder;
    }

    public ImageEmbeddingCache.Stats imageCacheStats() {
        return imageCache.stats();
    }

    public KvPrefixCache.Stats prefixCacheStats() {
        return prefixCache.stats();
    }

    @Override
    public void close() {
        modelLock.lock();
        try {
            prefixCache.close();
            imageCache.close();
            tokenizer.close();
            model.close();
            checkpoint.close();
        } finally {
            modelLock.unlock();
        }
    }
}
