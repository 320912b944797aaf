package io.github.llava4j.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders a {@link Conversation} in one of LLaVA's prompt formats, ending with the generation prompt (e.g.
 * {@code ASSISTANT:}), and tokenizes it.
 *
 * <p>Tokenization follows the original LLaVA ({@code tokenizer_image_token}): the prompt is cut at every image slot
 * and at every special token the template writes (such as vicuna_v1's {@code </s>} after an answer); each text
 * chunk is tokenized on its own, so the text after an image starts with the tokenizer's word-start marker
 * ({@code "▁\n..."}), as in LLaVA's training. llava-hf's processor gives the same pieces for a legacy LLaMA tokenizer,
 * whose normalizer prepends "▁" to every segment between added tokens. User and assistant text never turns into
 * special tokens (see {@link LlavaTokenizer#encode}).
 */
public abstract class ChatTemplate {
    ChatTemplate() {}

    public abstract String name();

    /** Text that ends an answer in this format, besides the EOS token (e.g. "###" for llava_v0). */
    public abstract List<String> stopStrings();

    /** The system prompt used when the conversation does not set one. */
    public abstract String defaultSystem();

    /** The prompt as parts, the generation prompt included. */
    abstract List<PromptPart> parts(Conversation conversation);

    /** The prompt as a string, images as {@code <image>} (for display and tests; not for tokenization). */
    public String render(Conversation conversation) {
        StringBuilder text = new StringBuilder();
        for (PromptPart part : parts(conversation)) {
            if (part instanceof PromptPart.Text t) {
                text.append(t.text());
            } else if (part instanceof PromptPart.Special s) {
                text.append(s.content());
            } else {
                text.append("<image>");
            }
        }
        return text.toString();
    }

    /** BOS, then the prompt's tokens with one {@code imageTokenId} per image. */
    public PromptTokens encode(Conversation conversation, LlavaTokenizer tokenizer, int imageTokenId) {
        List<Integer> ids = new ArrayList<>();
        List<Integer> images = new ArrayList<>();
        ids.add(tokenizer.bosId());
        StringBuilder chunk = new StringBuilder();
        for (PromptPart part : parts(conversation)) {
            if (part instanceof PromptPart.Text t) {
                chunk.append(t.text());
                continue;
            }
            flush(chunk, tokenizer, ids);
            if (part instanceof PromptPart.Special s) {
                ids.add(tokenizer.specialTokenId(s.content()));
            } else {
                images.add(ids.size());
                ids.add(imageTokenId);
            }
        }
        flush(chunk, tokenizer, ids);
        return new PromptTokens(
                ids.stream().mapToInt(Integer::intValue).toArray(),
                images.stream().mapToInt(Integer::intValue).toArray());
    }

    private static void flush(StringBuilder chunk, LlavaTokenizer tokenizer, List<Integer> ids) {
        if (chunk.length() > 0) {
            for (int id : tokenizer.encode(chunk.toString())) {
                ids.add(id);
            }
            chunk.setLength(0);
        }
    }

    /** Images of a user turn first, each as {@code <image>\n}, then its text (LLaVA's convention). */
    static void userContent(Conversation.Turn turn, List<PromptPart> parts) {
        for (int i = 0; i < turn.images(); i++) {
            parts.add(new PromptPart.Image());
            parts.add(new PromptPart.Text("\n"));
        }
        parts.add(new PromptPart.Text(turn.text()));
    }

    String system(Conversation conversation) {
        return conversation.system() != null ? conversation.system() : defaultSystem();
    }
}
