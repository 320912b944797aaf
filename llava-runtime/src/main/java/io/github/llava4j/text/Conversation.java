package io.github.llava4j.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A conversation: an optional system prompt, then alternating user and assistant turns starting with a user turn.
 * To generate, it ends with the user turn the model is to answer; a conversation ending with an assistant turn is a
 * finished exchange (rendered without generation prompt, e.g. a training string). A user turn may carry images; the template places them before the turn's text,
 * as LLaVA was trained ({@code <image>\n} + question).
 *
 * @param system the system prompt; null = the template's default, "" = none
 */
public record Conversation(String system, List<Turn> turns) {
    public enum Role {
        USER,
        ASSISTANT
    }

    /** One turn; {@code images} is the number of images attached (user turns only). */
    public record Turn(Role role, String text, int images) {
        public Turn {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(text, "text");
            if (images < 0 || (role == Role.ASSISTANT && images > 0)) {
                throw new IllegalArgumentException("images must be >= 0 and only on user turns, got " + images
                        + " on a " + role + " turn");
            }
        }
    }

    public Conversation {
        turns = List.copyOf(turns);
        if (turns.isEmpty()) {
            throw new IllegalArgumentException("a conversation needs at least one user turn");
        }
        for (int i = 0; i < turns.size(); i++) {
            Role expected = i % 2 == 0 ? Role.USER : Role.ASSISTANT;
            if (turns.get(i).role() != expected) {
                throw new IllegalArgumentException("turn " + i + " is a " + turns.get(i).role()
                        + " turn; turns must alternate USER, ASSISTANT, ... starting with USER");
            }
        }
    }

    /** True when the last turn is a user turn, i.e. the conversation waits for the model's answer. */
    public boolean awaitsAnswer() {
        return turns.get(turns.size() - 1).role() == Role.USER;
    }

    /** Images over all turns, in order. */
    public int imageCount() {
        return turns.stream().mapToInt(Turn::images).sum();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String system;
        private final List<Turn> turns = new ArrayList<>();

        /** null = the template's default system prompt; "" = none. */
        public Builder system(String system) {
            this.system = system;
            return this;
        }

        public Builder user(String text, int images) {
            turns.add(new Turn(Role.USER, text, images));
            return this;
        }

        public Builder user(String text) {
            return user(text, 0);
        }

        public Builder assistant(String text) {
            turns.add(new Turn(Role.ASSISTANT, text, 0));
            return this;
        }

        public Conversation build() {
            return new Conversation(system, turns);
        }
    }
}
