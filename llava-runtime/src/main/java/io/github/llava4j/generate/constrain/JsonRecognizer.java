package io.github.llava4j.generate.constrain;

import io.github.llava4j.generate.constrain.Grammar.AnyOfGrammar;
import io.github.llava4j.generate.constrain.Grammar.AnyValueGrammar;
import io.github.llava4j.generate.constrain.Grammar.ArrayGrammar;
import io.github.llava4j.generate.constrain.Grammar.FreeObjectGrammar;
import io.github.llava4j.generate.constrain.Grammar.LiteralGrammar;
import io.github.llava4j.generate.constrain.Grammar.NumberGrammar;
import io.github.llava4j.generate.constrain.Grammar.ObjectGrammar;
import io.github.llava4j.generate.constrain.Grammar.StringGrammar;
import java.util.ArrayList;
import java.util.List;

/**
 * Byte-level incremental recogniser of one JSON value of a {@link JsonShape} in the canonical layout (see the package
 * documentation): says which next byte is allowed, and whether the text so far is a complete value.
 *
 * <p>Immutable: {@link #accept} returns a new recogniser, so callers can try a token's bytes on a copy for free. The
 * state is a set of pushdown stacks (persistent linked frames, shared between copies); it holds more than one stack
 * only while alternatives of an anyOf both still fit.
 */
public final class JsonRecognizer {
    private static final LiteralGrammar TRUE_FALSE_NULL = new LiteralGrammar(List.of("true", "false", "null"));

    private final Frame[] stacks;
    /** {@link #minRemaining()}, computed on first use; -1 before. */
    private int minRemaining = -1;

    private JsonRecognizer(Frame[] stacks) {
        this.stacks = stacks;
    }

    /** A recogniser at the start of a value of {@code shape}. */
    public static JsonRecognizer start(JsonShape shape) {
        return start(Grammar.compile(shape));
    }

    static JsonRecognizer start(Grammar grammar) {
        return new JsonRecognizer(new Frame[] {new Root(grammar, Root.START)});
    }

    /** The state after byte {@code b} (0..255), or null if the byte cannot continue the value. */
    public JsonRecognizer accept(int b) {
        b &= 0xFF;
        // Fast path for the commonest byte of all, plain text inside a string: the state does not change.
        if (stacks.length == 1 && stacks[0] instanceof StringFrame s && s.phase == StringFrame.NORMAL
                && b >= 0x20 && b < 0x80 && b != '"' && b != '\\') {
            return this;
        }
        List<Frame> out = new ArrayList<>(2);
        for (Frame top : stacks) {
            top.step(b & 0xFF, out);
        }
        if (out.isEmpty()) {
            return null;
        }
        if (out.size() > 1) {
            dedupe(out);
        }
        return new JsonRecognizer(out.toArray(new Frame[0]));
    }

    /**
     * Drops stacks equal to an earlier one: alternatives that ended the same way (anyOf of integer and number in an
     * array, say) would otherwise multiply at every element.
     */
    private static void dedupe(List<Frame> out) {
        for (int i = out.size() - 1; i > 0; i--) {
            for (int j = 0; j < i; j++) {
                if (same(out.get(i), out.get(j))) {
                    out.remove(i);
                    break;
                }
            }
        }
    }

    private static boolean same(Frame a, Frame b) {
        while (a != b) {
            if (a == null || b == null || a.getClass() != b.getClass() || !a.sameLocal(b)) {
                return false;
            }
            a = a.parent;
            b = b.parent;
        }
        return true;
    }

    /** How many alternative stacks are alive (1 except inside an undecided anyOf). */
    int stackCount() {
        return stacks.length;
    }

    /** The state after all of {@code bytes}, or null if any of them is rejected. */
    public JsonRecognizer accept(byte[] bytes) {
        JsonRecognizer state = this;
        for (int i = 0; i < bytes.length && state != null; i++) {
            state = state.accept(bytes[i]);
        }
        return state;
    }

    public boolean canAccept(int b) {
        return accept(b) != null;
    }

    /** True when the text so far is a whole value (a number may still grow; everything else is closed). */
    public boolean isComplete() {
        for (Frame top : stacks) {
            if (top.complete()) {
                return true;
            }
        }
        return false;
    }

    /** The fewest bytes that turn the text so far into a complete value (0 when complete). */
    public int minRemaining() {
        if (minRemaining < 0) {
            minRemaining = computeMinRemaining();
        }
        return minRemaining;
    }

    private int computeMinRemaining() {
        int best = Integer.MAX_VALUE;
        for (Frame top : stacks) {
            int sum = 0;
            for (Frame f = top; f != null; f = f.parent) {
                sum += f.remaining();
            }
            best = Math.min(best, sum);
        }
        return best;
    }

    /** Pushes the frames of a value of {@code g} whose first byte is {@code b}, under {@code parent}. */
    static void startValue(Grammar g, Frame parent, int b, List<Frame> out) {
        if (g instanceof ObjectGrammar o) {
            if (b == '{') {
                out.add(new ObjectFrame(parent, o, o.keys.length == 0 ? ObjectFrame.EMPTY : ObjectFrame.SEP, 0, 0));
            }
        } else if (g instanceof FreeObjectGrammar) {
            if (b == '{') {
                out.add(new FreeObjectFrame(parent, FreeObjectFrame.OPEN));
            }
        } else if (g instanceof ArrayGrammar a) {
            if (b == '[') {
                out.add(new ArrayFrame(parent, a, ArrayFrame.OPEN, 0));
            }
        } else if (g instanceof StringGrammar) {
            if (b == '"') {
                out.add(new StringFrame(parent, StringFrame.NORMAL, 0, 0, 0));
            }
        } else if (g instanceof LiteralGrammar l) {
            LiteralFrame.start(parent, l.literals, b, out);
        } else if (g instanceof NumberGrammar n) {
            int state = NumberFrame.first(b);
            if (state >= 0) {
                out.add(new NumberFrame(parent, n.integer, state));
            }
        } else if (g instanceof AnyOfGrammar any) {
            for (Grammar option : any.options) {
                startValue(option, parent, b, out);
            }
        } else if (g instanceof AnyValueGrammar any) {
            switch (b) {
                case '{' -> out.add(new FreeObjectFrame(parent, FreeObjectFrame.OPEN));
                case '[' -> out.add(new ArrayFrame(parent, any.array, ArrayFrame.OPEN, 0));
                case '"' -> out.add(new StringFrame(parent, StringFrame.NORMAL, 0, 0, 0));
                case 't', 'f', 'n' -> LiteralFrame.start(parent, TRUE_FALSE_NULL.literals, b, out);
                default -> {
                    int state = NumberFrame.first(b);
                    if (state >= 0) {
                        out.add(new NumberFrame(parent, false, state));
                    }
                }
            }
        }
    }

    /** One level of the pushdown stack; immutable, linked to the frame below it. */
    abstract static class Frame {
        final Frame parent;

        Frame(Frame parent) {
            this.parent = parent;
        }

        /** Consumes {@code b}, adding each resulting stack top to {@code out} (none: rejected). */
        abstract void step(int b, List<Frame> out);

        /** Fewest bytes this frame still needs once the frames above it are finished. */
        abstract int remaining();

        boolean complete() {
            return false;
        }

        /** Same state as {@code other} (of the same class), parents aside. */
        abstract boolean sameLocal(Frame other);
    }

    /** The bottom: an optional single leading space (LLaMA's "▁{"), the value, then nothing. */
    static final class Root extends Frame {
        static final int START = 0;
        static final int SPACED = 1;
        static final int DONE = 2;
        final Grammar grammar;
        final int phase;

        Root(Grammar grammar, int phase) {
            super(null);
            this.grammar = grammar;
            this.phase = phase;
        }

        @Override
        void step(int b, List<Frame> out) {
            if (phase == DONE) {
                return;
            }
            if (phase == START && b == ' ') {
                out.add(new Root(grammar, SPACED));
                return;
            }
            startValue(grammar, new Root(grammar, DONE), b, out);
        }

        @Override
        boolean sameLocal(Frame other) {
            Root o = (Root) other;
            return grammar == o.grammar && phase == o.phase;
        }

        @Override
        int remaining() {
            return phase == DONE ? 0 : grammar.minLength;
        }

        @Override
        boolean complete() {
            return phase == DONE;
        }
    }

    /** An object with fixed keys: {@code {"k0":v0,"k1":v1}}, optional single space after ':' and ','. */
    static final class ObjectFrame extends Frame {
        static final int EMPTY = 0;
        static final int SEP = 1;
        static final int SEP_COMMA = 2;
        static final int KEY = 3;
        static final int COLON = 4;
        static final int SPACED = 5;
        static final int AFTER = 6;
        final ObjectGrammar grammar;
        final int phase;
        final int index;
        final int pos;

        ObjectFrame(Frame parent, ObjectGrammar grammar, int phase, int index, int pos) {
            super(parent);
            this.grammar = grammar;
            this.phase = phase;
            this.index = index;
            this.pos = pos;
        }

        private ObjectFrame with(int newPhase, int newIndex, int newPos) {
            return new ObjectFrame(parent, grammar, newPhase, newIndex, newPos);
        }

        @Override
        void step(int b, List<Frame> out) {
            byte[] key = grammar.keys.length == 0 ? null : grammar.keys[index];
            switch (phase) {
                case EMPTY -> {
                    if (b == '}') {
                        out.add(parent);
                    }
                }
                case SEP_COMMA, SEP -> {
                    if (phase == SEP_COMMA && b == ' ') {
                        out.add(with(SEP, index, 0));
                    } else if (b == (key[0] & 0xFF)) {
                        out.add(with(KEY, index, 1));
                    }
                }
                case KEY -> {
                    if (b == (key[pos] & 0xFF)) {
                        out.add(pos + 1 == key.length ? with(COLON, index, 0) : with(KEY, index, pos + 1));
                    }
                }
                case COLON, SPACED -> {
                    if (phase == COLON && b == ' ') {
                        out.add(with(SPACED, index, 0));
                    } else {
                        startValue(grammar.values[index], with(AFTER, index, 0), b, out);
                    }
                }
                default -> {
                    if (index == grammar.keys.length - 1) {
                        if (b == '}') {
                            out.add(parent);
                        }
                    } else if (b == ',') {
                        out.add(with(SEP_COMMA, index + 1, 0));
                    }
                }
            }
        }

        @Override
        boolean sameLocal(Frame other) {
            ObjectFrame o = (ObjectFrame) other;
            return grammar == o.grammar && phase == o.phase && index == o.index && pos == o.pos;
        }

        @Override
        int remaining() {
            return switch (phase) {
                case EMPTY -> 1;
                case SEP, SEP_COMMA -> grammar.keys[index].length + grammar.values[index].minLength
                        + grammar.tail[index];
                case KEY -> grammar.keys[index].length - pos + grammar.values[index].minLength + grammar.tail[index];
                case COLON, SPACED -> grammar.values[index].minLength + grammar.tail[index];
                default -> grammar.tail[index];
            };
        }
    }

    /** A free-form object: any string keys, any values. */
    static final class FreeObjectFrame extends Frame {
        static final int OPEN = 0;
        static final int KEY_DONE = 1;
        static final int COLON = 2;
        static final int SPACED = 3;
        static final int AFTER = 4;
        static final int COMMA = 5;
        static final int COMMA_SPACED = 6;
        private static final AnyValueGrammar ANY = new AnyValueGrammar();
        final int phase;

        FreeObjectFrame(Frame parent, int phase) {
            super(parent);
            this.phase = phase;
        }

        @Override
        void step(int b, List<Frame> out) {
            switch (phase) {
                case OPEN, COMMA, COMMA_SPACED -> {
                    if (b == '}' && phase == OPEN) {
                        out.add(parent);
                    } else if (b == ' ' && phase == COMMA) {
                        out.add(new FreeObjectFrame(parent, COMMA_SPACED));
                    } else if (b == '"') {
                        out.add(new StringFrame(new FreeObjectFrame(parent, KEY_DONE), StringFrame.NORMAL, 0, 0, 0));
                    }
                }
                case KEY_DONE -> {
                    if (b == ':') {
                        out.add(new FreeObjectFrame(parent, COLON));
                    }
                }
                case COLON, SPACED -> {
                    if (b == ' ' && phase == COLON) {
                        out.add(new FreeObjectFrame(parent, SPACED));
                    } else {
                        startValue(ANY, new FreeObjectFrame(parent, AFTER), b, out);
                    }
                }
                default -> {
                    if (b == '}') {
                        out.add(parent);
                    } else if (b == ',') {
                        out.add(new FreeObjectFrame(parent, COMMA));
                    }
                }
            }
        }

        @Override
        boolean sameLocal(Frame other) {
            return phase == ((FreeObjectFrame) other).phase;
        }

        @Override
        int remaining() {
            return switch (phase) {
                case OPEN, AFTER -> 1;
                case KEY_DONE -> 3; // :0}
                case COLON, SPACED -> 2; // 0}
                default -> 5; // "":0}
            };
        }
    }

    /** An array: {@code [v0,v1]}, optional single space after ',', item count within the shape's bounds. */
    static final class ArrayFrame extends Frame {
        static final int OPEN = 0;
        static final int AFTER = 1;
        static final int COMMA = 2;
        static final int SPACED = 3;
        final ArrayGrammar grammar;
        final int phase;
        final int count;

        ArrayFrame(Frame parent, ArrayGrammar grammar, int phase, int count) {
            super(parent);
            this.grammar = grammar;
            this.phase = phase;
            this.count = count;
        }

        @Override
        void step(int b, List<Frame> out) {
            switch (phase) {
                case OPEN -> {
                    if (b == ']' && grammar.minItems == 0) {
                        out.add(parent);
                    } else {
                        startValue(grammar.items, new ArrayFrame(parent, grammar, AFTER, 1), b, out);
                    }
                }
                case AFTER -> {
                    if (b == ']' && count >= grammar.minItems) {
                        out.add(parent);
                    } else if (b == ',' && count < grammar.maxItems) {
                        out.add(new ArrayFrame(parent, grammar, COMMA, count));
                    }
                }
                default -> {
                    if (b == ' ' && phase == COMMA) {
                        out.add(new ArrayFrame(parent, grammar, SPACED, count));
                    } else {
                        startValue(grammar.items, new ArrayFrame(parent, grammar, AFTER, count + 1), b, out);
                    }
                }
            }
        }

        @Override
        boolean sameLocal(Frame other) {
            ArrayFrame o = (ArrayFrame) other;
            return grammar == o.grammar && phase == o.phase && count == o.count;
        }

        @Override
        int remaining() {
            int item = grammar.items.minLength;
            return switch (phase) {
                case OPEN -> grammar.minLength - 1;
                case AFTER -> Math.max(0, grammar.minItems - count) * (item + 1) + 1;
                default -> item + Math.max(0, grammar.minItems - count - 1) * (item + 1) + 1;
            };
        }
    }

    /**
     * Inside a string: raw bytes >= 0x20 except '"' and '\', as well-formed UTF-8 (a token may end mid-character),
     * and the JSON escapes.
     */
    static final class StringFrame extends Frame {
        static final int NORMAL = 0;
        static final int ESCAPE = 1;
        static final int HEX = 2;
        static final int UTF8 = 3;
        final int phase;
        /** HEX: digits read; UTF8: continuation bytes still due. */
        final int count;
        /** UTF8: the allowed range of the next continuation byte (narrower after E0, ED, F0, F4). */
        final int lo;
        final int hi;

        StringFrame(Frame parent, int phase, int count, int lo, int hi) {
            super(parent);
            this.phase = phase;
            this.count = count;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        void step(int b, List<Frame> out) {
            switch (phase) {
                case NORMAL -> normal(b, out);
                case ESCAPE -> {
                    if ("\"\\/bfnrt".indexOf(b) >= 0) {
                        out.add(new StringFrame(parent, NORMAL, 0, 0, 0));
                    } else if (b == 'u') {
                        out.add(new StringFrame(parent, HEX, 0, 0, 0));
                    }
                }
                case HEX -> {
                    if ((b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F')) {
                        out.add(new StringFrame(parent, count == 3 ? NORMAL : HEX, count + 1, 0, 0));
                    }
                }
                default -> {
                    if (b >= lo && b <= hi) {
                        out.add(count == 1
                                ? new StringFrame(parent, NORMAL, 0, 0, 0)
                                : new StringFrame(parent, UTF8, count - 1, 0x80, 0xBF));
                    }
                }
            }
        }

        private void normal(int b, List<Frame> out) {
            if (b == '"') {
                out.add(parent);
            } else if (b == '\\') {
                out.add(new StringFrame(parent, ESCAPE, 0, 0, 0));
            } else if (b >= 0x20 && b < 0x80) {
                out.add(this);
            } else if (b >= 0xC2 && b <= 0xDF) {
                out.add(new StringFrame(parent, UTF8, 1, 0x80, 0xBF));
            } else if (b >= 0xE0 && b <= 0xEF) {
                int low = b == 0xE0 ? 0xA0 : 0x80;
                int high = b == 0xED ? 0x9F : 0xBF; // no UTF-16 surrogates
                out.add(new StringFrame(parent, UTF8, 2, low, high));
            } else if (b >= 0xF0 && b <= 0xF4) {
                int low = b == 0xF0 ? 0x90 : 0x80;
                int high = b == 0xF4 ? 0x8F : 0xBF; // at most U+10FFFF
                out.add(new StringFrame(parent, UTF8, 3, low, high));
            }
        }

        @Override
        boolean sameLocal(Frame other) {
            StringFrame o = (StringFrame) other;
            return phase == o.phase && count == o.count && lo == o.lo && hi == o.hi;
        }

        @Override
        int remaining() {
            return switch (phase) {
                case NORMAL -> 1;
                case ESCAPE -> 2;
                case HEX -> 4 - count + 1;
                default -> count + 1;
            };
        }
    }

    /** One of a fixed set of texts (enum strings, true/false, null), matched byte by byte. */
    static final class LiteralFrame extends Frame {
        final byte[][] literals;
        /** Indices of the literals that still match. */
        final int[] live;
        final int pos;

        LiteralFrame(Frame parent, byte[][] literals, int[] live, int pos) {
            super(parent);
            this.literals = literals;
            this.live = live;
            this.pos = pos;
        }

        static void start(Frame parent, byte[][] literals, int b, List<Frame> out) {
            int[] all = new int[literals.length];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            match(parent, literals, all, 0, b, out);
        }

        private static void match(Frame parent, byte[][] literals, int[] live, int pos, int b, List<Frame> out) {
            int[] next = new int[live.length];
            int n = 0;
            boolean done = false;
            for (int i : live) {
                byte[] lit = literals[i];
                if (pos < lit.length && (lit[pos] & 0xFF) == b) {
                    if (pos + 1 == lit.length) {
                        done = true;
                    } else {
                        next[n++] = i;
                    }
                }
            }
            if (done) {
                out.add(parent);
            }
            if (n > 0) {
                out.add(new LiteralFrame(parent, literals, n == live.length ? live : java.util.Arrays.copyOf(next, n),
                        pos + 1));
            }
        }

        @Override
        void step(int b, List<Frame> out) {
            match(parent, literals, live, pos, b, out);
        }

        @Override
        boolean sameLocal(Frame other) {
            LiteralFrame o = (LiteralFrame) other;
            return literals == o.literals && pos == o.pos && java.util.Arrays.equals(live, o.live);
        }

        @Override
        int remaining() {
            int best = Integer.MAX_VALUE;
            for (int i : live) {
                best = Math.min(best, literals[i].length - pos);
            }
            return best;
        }
    }

    /** A number per the JSON grammar: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}. */
    static final class NumberFrame extends Frame {
        static final int MINUS = 0;
        static final int ZERO = 1;
        static final int INT = 2;
        static final int DOT = 3;
        static final int FRAC = 4;
        static final int EXP = 5;
        static final int EXP_SIGN = 6;
        static final int EXP_DIGITS = 7;
        final boolean integer;
        final int state;

        NumberFrame(Frame parent, boolean integer, int state) {
            super(parent);
            this.integer = integer;
            this.state = state;
        }

        static int first(int b) {
            if (b == '-') {
                return MINUS;
            }
            if (b == '0') {
                return ZERO;
            }
            return b >= '1' && b <= '9' ? INT : -1;
        }

        private boolean accepting() {
            return state == ZERO || state == INT || state == FRAC || state == EXP_DIGITS;
        }

        private int next(int b) {
            boolean digit = b >= '0' && b <= '9';
            boolean exp = (b == 'e' || b == 'E') && !integer;
            return switch (state) {
                case MINUS -> b == '0' ? ZERO : digit ? INT : -1;
                case ZERO -> b == '.' && !integer ? DOT : exp ? EXP : -1;
                case INT -> digit ? INT : b == '.' && !integer ? DOT : exp ? EXP : -1;
                case DOT -> digit ? FRAC : -1;
                case FRAC -> digit ? FRAC : exp ? EXP : -1;
                case EXP -> digit ? EXP_DIGITS : b == '+' || b == '-' ? EXP_SIGN : -1;
                default -> digit ? EXP_DIGITS : -1;
            };
        }

        @Override
        void step(int b, List<Frame> out) {
            int next = next(b);
            if (next >= 0) {
                out.add(next == state ? this : new NumberFrame(parent, integer, next));
            } else if (accepting()) {
                // The number ends here; the byte belongs to what follows it.
                parent.step(b, out);
            }
        }

        @Override
        boolean sameLocal(Frame other) {
            NumberFrame o = (NumberFrame) other;
            return integer == o.integer && state == o.state;
        }

        @Override
        int remaining() {
            return accepting() ? 0 : 1;
        }

        @Override
        boolean complete() {
            return accepting() && parent.complete();
        }
    }
}
