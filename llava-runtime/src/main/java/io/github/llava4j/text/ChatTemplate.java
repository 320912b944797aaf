package io.github.llava4j.text;

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

    /**
     * The prompt as segments, ending with the generation prompt (the assistant role, e.g. {@code ASSISTANT:}).
     *
     * @throws IllegalArgumentException when the conversation does not end with a user turn
     */
    public List<PromptSegment> segments(Conversation conversation) {
        return segments(conversation, true);
    }

    /**
     * The conversation as segments; with {@code addGenerationPrompt} the assistant role is appended for the model to
     * answer (the conversation must then end with a user turn), without it a conversation ending with an answer
     * renders as LLaVA's training string (e.g. vicuna_v1 {@code "... ASSISTANT: A</s>"}).
     */
    public List<PromptSegment> segments(Conversation conversation, boolean addGenerationPrompt) {
        if (addGenerationPrompt && !conversation.awaitsAnswer()) {
            throw new IllegalArgumentException("the conversation ends with an ASSISTANT turn; a generation prompt"
                    + " needs a last USER turn to answer (template " + name() + ")");
        }
        return render(conversation, addGenerationPrompt);
    }

    abstract List<PromptSegment> render(Conversation conversation, boolean addGenerationPrompt);

    /** The prompt as a string, images as {@code <image>} (for display and tests; not for tokenization). */
    public String render(Conversation conversation) {
        return toText(segments(conversation, true));
    }

    /** {@link #segments(Conversation, boolean)} as a string, images as {@code <image>}. */
    public String renderText(Conversation conversation, boolean addGenerationPrompt) {
        return toText(segments(conversation, addGenerationPrompt));
    }

    private static String toText(List<PromptSegment> segments) {
        StringBuilder text = new StringBuilder();
        for (PromptSegment part : segments) {
            if (part instanceof PromptSegment.Text t) {
                text.append(t.text());
            } else if (part instanceof PromptSegment.Special s) {
                text.append(s.content());
            } else {
                text.append("<image>");
            }
        }
        return text.toString();
    }

    /** BOS, then the prompt's tokens with one {@code imageTokenId} per image (see {@link LlavaPromptEncoder}). */
    public PromptTokens encode(Conversation conversation, LlavaTokenizer tokenizer, int imageTokenId) {
        return new LlavaPromptEncoder(tokenizer, imageTokenId).encode(segments(conversation));
    }

    /** Images of a user turn first, each as {@code <image>\n}, then its text (LLaVA's convention). */
    static void userContent(Conversation.Turn turn, List<PromptSegment> segments) {
        for (int i = 0; i < turn.images(); i++) {
            segments.add(new PromptSegment.Image());
            segments.add(new PromptSegment.Text("\n"));
        }
        segments.add(new PromptSegment.Text(turn.text()));
    }

    String system(Conversation conversation) {
        return conversation.system() != null ? conversation.system() : defaultSystem();
    }
}
