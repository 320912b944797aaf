package io.github.llava4j.text;

import java.util.ArrayList;
import java.util.List;

/**
 * The role-based formats of LLaVA's conversation.py: a system prompt and its separator, then
 * {@code ROLE: text + separator} per turn, then the assistant role as the generation prompt.
 *
 * @param assistantEnd what follows an assistant answer: text, or a special token such as {@code </s>}
 */
record RoleTemplate(
        String name,
        String defaultSystem,
        String systemSeparator,
        String userRole,
        String userEnd,
        String assistantRole,
        PromptSegment assistantEnd,
        List<String> stopStrings) {

    ChatTemplate asTemplate() {
        RoleTemplate spec = this;
        return new ChatTemplate() {
            @Override
            public String name() {
                return spec.name;
            }

            @Override
            public List<String> stopStrings() {
                return spec.stopStrings;
            }

            @Override
            public String defaultSystem() {
                return spec.defaultSystem;
            }

            @Override
            List<PromptSegment> render(Conversation conversation, boolean addGenerationPrompt) {
                return spec.segments(system(conversation), conversation, addGenerationPrompt);
            }
        };
    }

    private List<PromptSegment> segments(String system, Conversation conversation, boolean addGenerationPrompt) {
        List<PromptSegment> segments = new ArrayList<>();
        if (!system.isEmpty()) {
            segments.add(new PromptSegment.Text(system + systemSeparator));
        }
        for (Conversation.Turn turn : conversation.turns()) {
            if (turn.role() == Conversation.Role.USER) {
                segments.add(new PromptSegment.Text(userRole + ": "));
                ChatTemplate.userContent(turn, segments);
                segments.add(new PromptSegment.Text(userEnd));
            } else {
                segments.add(new PromptSegment.Text(assistantRole + ": " + turn.text()));
                segments.add(assistantEnd);
            }
        }
        if (addGenerationPrompt) {
            segments.add(new PromptSegment.Text(assistantRole + ":"));
        }
        return segments;
    }
}
