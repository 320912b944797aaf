package io.github.llava4j.text;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LLaVA's prompt formats by name (haotian-liu/LLaVA conversation.py and the llava-hf chat template):
 *
 * <ul>
 *   <li>{@code vicuna_v1} (default): LLaVA-1.5's training and evaluation format,
 *       {@code "<system> USER: <image>\nQ ASSISTANT: A</s>USER: ..."}.
 *   <li>{@code llava_v1}: the same with the "curious human" system prompt.
 *   <li>{@code llava_v0}: the paper's {@code ###} format, {@code "<system>###Human: Q###Assistant: A###"}.
 *   <li>{@code plain}: stage-1 captioning, just the image (and any text) with no roles or system prompt.
 *   <li>{@code llava_hf}: llava-hf's chat template, {@code "USER: <image>\nQ ASSISTANT: A "}, no system prompt.
 * </ul>
 */
public final class ChatTemplates {
    public static final String DEFAULT_NAME = "vicuna_v1";

    static final String USER_SYSTEM = "A chat between a curious user and an artificial intelligence assistant. "
            + "The assistant gives helpful, detailed, and polite answers to the user's questions.";
    static final String HUMAN_SYSTEM = "A chat between a curious human and an artificial intelligence assistant. "
            + "The assistant gives helpful, detailed, and polite answers to the human's questions.";

    private static final Map<String, ChatTemplate> TEMPLATES = new LinkedHashMap<>();

    static {
        register(new RoleTemplate("vicuna_v1", USER_SYSTEM, " ", "USER", " ", "ASSISTANT",
                        new PromptSegment.Special("</s>"), List.of("</s>"))
                .asTemplate());
        register(new RoleTemplate("llava_v1", HUMAN_SYSTEM, " ", "USER", " ", "ASSISTANT",
                        new PromptSegment.Special("</s>"), List.of("</s>"))
                .asTemplate());
        register(new RoleTemplate("llava_v0", HUMAN_SYSTEM, "###", "Human", "###", "Assistant",
                        new PromptSegment.Text("###"), List.of("###"))
                .asTemplate());
        register(new RoleTemplate("llava_hf", "", " ", "USER", " ", "ASSISTANT", new PromptSegment.Text(" "),
                        List.of())
                .asTemplate());
        register(new PlainTemplate());
    }

    /** vicuna_v1, LLaVA-1.5's format. */
    public static final ChatTemplate DEFAULT = byName(DEFAULT_NAME);

    private ChatTemplates() {}

    private static void register(ChatTemplate template) {
        TEMPLATES.put(template.name(), template);
    }

    public static ChatTemplate byName(String name) {
        ChatTemplate template = TEMPLATES.get(name);
        if (template == null) {
            throw new IllegalArgumentException("unknown chat template '" + name + "', expected one of " + names());
        }
        return template;
    }

    public static ChatTemplate defaultTemplate() {
        return byName(DEFAULT_NAME);
    }

    public static List<String> names() {
        return new ArrayList<>(TEMPLATES.keySet());
    }

    /**
     * LLaVA-1.5's stage-1 format: the image, then the user text if any, then each answer followed by a newline; no
     * system prompt, no roles. At inference it is captioning: the model continues after the image.
     */
    private static final class PlainTemplate extends ChatTemplate {
        @Override
        public String name() {
            return "plain";
        }

        @Override
        public List<String> stopStrings() {
            return List.of("\n");
        }

        @Override
        public String defaultSystem() {
            return "";
        }

        @Override
        List<PromptSegment> render(Conversation conversation, boolean addGenerationPrompt) {
            List<PromptSegment> segments = new ArrayList<>();
            for (Conversation.Turn turn : conversation.turns()) {
                if (turn.role() == Conversation.Role.USER) {
                    for (int i = 0; i < turn.images(); i++) {
                        segments.add(new PromptSegment.Image());
                    }
                    segments.add(new PromptSegment.Text(turn.text()));
                } else {
                    segments.add(new PromptSegment.Text(turn.text() + "\n"));
                }
            }
            return segments;
        }
    }
}
