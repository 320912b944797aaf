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
        PromptPart assistantEnd,
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
            List<PromptPart> parts(Conversation conversation) {
                return spec.parts(system(conversation), conversation);
            }
        };
    }

    private List<PromptPart> parts(String system, Conversation conversation) {
        List<PromptPart> parts = new ArrayList<>();
        if (!system.isEmpty()) {
            parts.add(new PromptPart.Text(system + systemSeparator));
        }
        for (Conversation.Turn turn : conversation.turns()) {
            if (turn.role() == Conversation.Role.USER) {
                parts.add(new PromptPart.Text(userRole + ": "));
                ChatTemplate.userContent(turn, parts);
                parts.add(new PromptPart.Text(userEnd));
            } else {
                parts.add(new PromptPart.Text(assistantRole + ": " + turn.text()));
                parts.add(assistantEnd);
            }
        }
        parts.add(new PromptPart.Text(assistantRole + ":"));
        return parts;
    }
}
