package io.github.llava4j.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Tokenizes rendered prompt segments as the original LLaVA does ({@code tokenizer_image_token}): BOS once at the
 * start, then the text between image slots and template special tokens tokenized chunk by chunk (each chunk on its
 * own, so the text after an image starts with the word marker, {@code "▁\n..."}), ONE {@code imageTokenId} per image
 * slot and the real id of each template special token.
 *
 * <p>For llava_hf this equals what transformers produces from the one rendered string with {@code <image>} as an
 * added token: a tokenizer splits its input at added tokens and normalizes each piece separately, and the legacy
 * LLaMA normalizer prepends "▁" to each piece. The one deliberate difference: a {@code <image>} or {@code </s>} typed
 * by the user stays text here, where transformers would turn it into the special id.
 *
 * <p>Thread-safe (immutable; the tokenizer is thread-safe).
 */
public final class LlavaPromptEncoder {
    private final LlavaTokenizer tokenizer;
    private final int imageTokenId;

    /** @param imageTokenId the id the model replaces by image features (config {@code image_token_index}) */
    public LlavaPromptEncoder(LlavaTokenizer tokenizer, int imageTokenId) {
        this.tokenizer = tokenizer;
        this.imageTokenId = imageTokenId;
    }

    /** BOS, then the segments' tokens; {@link PromptTokens#imagePositions()} gives the index of each image id. */
    public PromptTokens encode(List<PromptSegment> segments) {
        List<Integer> ids = new ArrayList<>();
        List<Integer> images = new ArrayList<>();
        ids.add(tokenizer.bosId());
        StringBuilder chunk = new StringBuilder();
        for (PromptSegment segment : segments) {
            if (segment instanceof PromptSegment.Text t) {
                chunk.append(t.text());
                continue;
            }
            flush(chunk, ids);
            if (segment instanceof PromptSegment.Special s) {
                ids.add(tokenizer.specialTokenId(s.content()));
            } else {
                images.add(ids.size());
                ids.add(imageTokenId);
            }
        }
        flush(chunk, ids);
        return new PromptTokens(
                ids.stream().mapToInt(Integer::intValue).toArray(),
                images.stream().mapToInt(Integer::intValue).toArray());
    }

    private void flush(StringBuilder chunk, List<Integer> ids) {
        if (chunk.length() > 0) {
            for (int id : tokenizer.encode(chunk.toString())) {
                ids.add(id);
            }
            chunk.setLength(0);
        }
    }
}
