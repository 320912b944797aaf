package io.github.llava4j.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llava4j.CheckpointException;
import io.github.llava4j.DjlDefaults;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checkpoint's Hugging Face tokenizer (tokenizer.json, through DJL's binding of the Rust {@code tokenizers}
 * library) with the guarantees a chat needs.
 *
 * <p><b>Text never becomes a special token.</b> {@link #encode} uses a second tokenizer built from the same
 * tokenizer.json without its added tokens, so a user who types {@code </s>} or {@code <image>} gets those characters,
 * not the end-of-sequence or image ids. Only templates insert special ids, by {@link #specialTokenId}.
 *
 * <p>BOS is never added by {@link #encode}; prompt builders add it once at the start, as LLaVA does.
 *
 * <p><b>The leading space of an answer.</b> The LLaMA normalizer turns every word start into "▁", so the first
 * generated token after {@code ASSISTANT:} is normally "▁The". The tokenizer's decoder ends with
 * {@code Strip(" ", 1, 0)}: {@link #decode} drops exactly one space at the start of the decoded string. Streaming
 * reproduces this: {@link #tokenBytes} keeps the space ("▁The" gives " The") and {@link Utf8StreamDecoder} drops the
 * single space that starts its output, so the streamed text equals {@code decode(allGeneratedIds)}.
 *
 * <p>Thread-safe: the native tokenizers are immutable after loading and may be called from any thread.
 */
public final class LlavaTokenizer implements AutoCloseable {
    private static final Pattern BYTE_PIECE = Pattern.compile("<0x([0-9A-Fa-f]{2})>");

    private final HuggingFaceTokenizer full;
    private final HuggingFaceTokenizer textOnly;
    private final String[] pieces;
    private final Map<String, Integer> specialIds;
    private final Set<Integer> special;
    private final int bosId;
    private final int eosId;
    private final int padId;

    private LlavaTokenizer(
            HuggingFaceTokenizer full,
            HuggingFaceTokenizer textOnly,
            String[] pieces,
            Map<String, Integer> specialIds,
            int bosId,
            int eosId,
            int padId) {
        this.full = full;
        this.textOnly = textOnly;
        this.pieces = pieces;
        this.specialIds = Map.copyOf(specialIds);
        this.special = new HashSet<>(specialIds.values());
        this.bosId = bosId;
        this.eosId = eosId;
        this.padId = padId;
    }

    /** Loads {@code folder/tokenizer.json} (required) and {@code tokenizer_config.json} (optional). */
    public static LlavaTokenizer load(Path folder) {
        DjlDefaults.apply();
        Path file = folder.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file + ": tokenizer file not found (llava4j needs the fast tokenizer's"
                    + " tokenizer.json)");
        }
        ObjectMapper json = new ObjectMapper();
        try {
            byte[] bytes = Files.readAllBytes(file);
            JsonNode root = json.readTree(bytes);
            if (root == null || !root.path("model").isObject()) {
                throw new CheckpointException(file + ": not a Hugging Face tokenizer.json (no \"model\" object)");
            }
            Map<String, Integer> added = new HashMap<>();
            Map<String, Integer> specials = new HashMap<>();
            int maxId = -1;
            for (JsonNode token : root.path("added_tokens")) {
                int id = token.path("id").asInt();
                added.put(token.path("content").asText(), id);
                if (token.path("special").asBoolean(false)) {
                    specials.put(token.path("content").asText(), id);
                }
                maxId = Math.max(maxId, id);
            }
            JsonNode vocab = root.path("model").path("vocab");
            for (var it = vocab.fields(); it.hasNext(); ) {
                maxId = Math.max(maxId, it.next().getValue().asInt());
            }
            String[] pieces = new String[maxId + 1];
            vocab.fields().forEachRemaining(e -> pieces[e.getValue().asInt()] = e.getKey());
            added.forEach((content, id) -> pieces[id] = content);

            ObjectNode stripped = root.deepCopy();
            stripped.putArray("added_tokens");
            Map<String, String> options = Map.of("addSpecialTokens", "false", "truncation", "false",
                    "padding", "false", "maxLength", "1000000");
            HuggingFaceTokenizer full = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(bytes), options);
            HuggingFaceTokenizer textOnly = HuggingFaceTokenizer.newInstance(
                    new ByteArrayInputStream(json.writeValueAsBytes(stripped)), options);
            JsonNode config = readConfig(folder.resolve("tokenizer_config.json"), json);
            int bos = tokenId(config.path("bos_token"), added, pieces, "<s>", 1);
            int eos = tokenId(config.path("eos_token"), added, pieces, "</s>", 2);
            int unk = tokenId(config.path("unk_token"), added, pieces, "<unk>", 0);
            // Original LLaVA pads with <unk> (pad_token_id 0); llava-hf adds <pad> (32001) and names it in the config.
            int pad = config.path("pad_token").isMissingNode() || config.path("pad_token").isNull()
                    ? added.getOrDefault("<pad>", unk)
                    : tokenId(config.path("pad_token"), added, pieces, "<pad>", unk);
            return new LlavaTokenizer(full, textOnly, pieces, specials, bos, eos, pad);
        } catch (IOException | RuntimeException e) {
            if (e instanceof CheckpointException c) {
                throw c;
            }
            throw new CheckpointException(file + ": cannot load tokenizer (" + e.getMessage() + ")", e);
        }
    }

    private static JsonNode readConfig(Path file, ObjectMapper json) throws IOException {
        return Files.isRegularFile(file) ? json.readTree(file.toFile()) : json.createObjectNode();
    }

    private static int tokenId(JsonNode node, Map<String, Integer> added, String[] pieces, String fallback, int id) {
        String content = node.isObject() ? node.path("content").asText(fallback) : node.asText(fallback);
        if (added.containsKey(content)) {
            return added.get(content);
        }
        for (int i = 0; i < pieces.length; i++) {
            if (content.equals(pieces[i])) {
                return i;
            }
        }
        return id;
    }

    /** Tokenizes plain text; never yields special tokens and never adds BOS. */
    public int[] encode(String text) {
        if (text.isEmpty()) {
            return new int[0];
        }
        long[] ids = textOnly.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    /** Decodes ids to text, skipping special tokens (as transformers' {@code decode(skip_special_tokens=True)}). */
    public String decode(int[] ids) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            longs[i] = ids[i];
        }
        return full.decode(longs, true);
    }

    /**
     * The bytes a token contributes to streamed text: {@code <0xNN>} pieces give that byte, special tokens nothing,
     * others their piece in UTF-8 with "▁" as a space.
     */
    public byte[] tokenBytes(int id) {
        if (id < 0 || id >= pieces.length || pieces[id] == null || special.contains(id)) {
            return new byte[0];
        }
        Matcher m = BYTE_PIECE.matcher(pieces[id]);
        if (m.matches()) {
            return new byte[] {(byte) Integer.parseInt(m.group(1), 16)};
        }
        return pieces[id].replace(TokenizerJsonBuilder.SPACE, " ").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A token as text for people (log-prob listings): what it adds to the answer when that is whole characters
     * ("▁The" gives " The", "<0x0A>" gives a newline), else its raw piece (a lone byte of a multi-byte character
     * stays "<0xE2>"; special tokens stay "</s>").
     */
    public String tokenText(int id) {
        byte[] bytes = tokenBytes(id);
        if (bytes.length == 0) {
            return pieceText(id);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return pieceText(id);
        }
    }

    /** The raw piece of a token (e.g. "▁The", "<0x0A>", "</s>"); empty for an unknown id. */
    public String pieceText(int id) {
        return id >= 0 && id < pieces.length && pieces[id] != null ? pieces[id] : "";
    }

    /** The id of a special token such as {@code "</s>"}; fails when the tokenizer has none. */
    public int specialTokenId(String content) {
        Integer id = specialIds.get(content);
        if (id == null) {
            throw new IllegalArgumentException("the tokenizer has no special token '" + content + "'");
        }
        return id;
    }

    public OptionalInt imageTokenId() {
        Integer id = specialIds.get("<image>");
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    public int bosId() {
        return bosId;
    }

    public int eosId() {
        return eosId;
    }

    /**
     * The padding id: tokenizer_config.json's {@code pad_token}, else the {@code <pad>} added token, else
     * {@code <unk>} (as the original LLaVA pads).
     */
    public int padId() {
        return padId;
    }

    /** Ids the tokenizer knows (the model's vocabulary may be larger, as llava-hf pads it to 32064). */
    public int vocabSize() {
        return pieces.length;
    }

    /** A new incremental decoder for one generated answer. */
    public Utf8StreamDecoder streamDecoder() {
        return new Utf8StreamDecoder(this);
    }

    @Override
    public void close() {
        full.close();
        textOnly.close();
    }
}
