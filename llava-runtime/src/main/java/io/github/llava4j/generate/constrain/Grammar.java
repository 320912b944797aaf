package io.github.llava4j.generate.constrain;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link JsonShape} compiled for the recogniser: the exact bytes of keys and enum literals and each value's
 * shortest completion length, computed once so that a recogniser step does no allocation beyond its frames.
 */
abstract sealed class Grammar {
    /** Bytes of the shortest text of this value in the canonical layout. */
    final int minLength;

    Grammar(int minLength) {
        this.minLength = minLength;
    }

    static Grammar compile(JsonShape shape) {
        // Java 17: no pattern matching in switch yet.
        if (shape instanceof JsonShape.ObjectShape o) {
            return new ObjectGrammar(o);
        } else if (shape instanceof JsonShape.FreeObjectShape) {
            return new FreeObjectGrammar();
        } else if (shape instanceof JsonShape.ArrayShape a) {
            return new ArrayGrammar(compile(a.items()), a.minItems(), a.maxItems());
        } else if (shape instanceof JsonShape.StringShape s) {
            return s.allowed().isEmpty()
                    ? new StringGrammar()
                    : new LiteralGrammar(s.allowed().stream().map(Grammar::quoted).toList());
        } else if (shape instanceof JsonShape.NumberShape n) {
            return new NumberGrammar(n.integer());
        } else if (shape instanceof JsonShape.BooleanShape) {
            return new LiteralGrammar(List.of("true", "false"));
        } else if (shape instanceof JsonShape.NullShape) {
            return new LiteralGrammar(List.of("null"));
        } else if (shape instanceof JsonShape.AnyOfShape a) {
            return new AnyOfGrammar(a.options().stream().map(Grammar::compile).toList());
        } else {
            return new AnyValueGrammar();
        }
    }

    /** The canonical JSON text of a string: quotes, and escapes only where JSON requires them. */
    static String quoted(String value) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    static final class ObjectGrammar extends Grammar {
        /** {@code "name":} of each property. */
        final byte[][] keys;
        final Grammar[] values;
        /** Shortest text after property i's value: the later properties, commas and '}'. */
        final int[] tail;

        ObjectGrammar(JsonShape.ObjectShape shape) {
            this(shape.properties().stream().map(p -> quoted(p.name()) + ":").toList(),
                    shape.properties().stream().map(p -> compile(p.shape())).toList());
        }

        private ObjectGrammar(List<String> keys, List<Grammar> values) {
            super(length(keys, values));
            int n = keys.size();
            this.keys = new byte[n][];
            this.values = values.toArray(new Grammar[0]);
            this.tail = new int[n];
            int after = 1;
            for (int i = n - 1; i >= 0; i--) {
                this.keys[i] = keys.get(i).getBytes(StandardCharsets.UTF_8);
                tail[i] = after;
                after += 1 + this.keys[i].length + this.values[i].minLength;
            }
        }

        private static int length(List<String> keys, List<Grammar> values) {
            int length = 2 + Math.max(0, keys.size() - 1);
            for (int i = 0; i < keys.size(); i++) {
                length += keys.get(i).getBytes(StandardCharsets.UTF_8).length + values.get(i).minLength;
            }
            return length;
        }
    }

    static final class FreeObjectGrammar extends Grammar {
        FreeObjectGrammar() {
            super(2);
        }
    }

    static final class ArrayGrammar extends Grammar {
        final Grammar items;
        final int minItems;
        final int maxItems;

        ArrayGrammar(Grammar items, int minItems, int maxItems) {
            super(2 + (minItems == 0 ? 0 : minItems * items.minLength + minItems - 1));
            this.items = items;
            this.minItems = minItems;
            this.maxItems = maxItems;
        }
    }

    static final class StringGrammar extends Grammar {
        StringGrammar() {
            super(2);
        }
    }

    /** One of a fixed set of texts: enum strings (quoted), true/false, null. None is a prefix of another. */
    static final class LiteralGrammar extends Grammar {
        final byte[][] literals;

        LiteralGrammar(List<String> texts) {
            super(texts.stream().mapToInt(t -> t.getBytes(StandardCharsets.UTF_8).length).min().orElseThrow());
            literals = texts.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        }
    }

    static final class NumberGrammar extends Grammar {
        final boolean integer;

        NumberGrammar(boolean integer) {
            super(1);
            this.integer = integer;
        }
    }

    static final class AnyOfGrammar extends Grammar {
        final List<Grammar> options;

        AnyOfGrammar(List<Grammar> options) {
            super(options.stream().mapToInt(g -> g.minLength).min().orElseThrow());
            List<Grammar> flat = new ArrayList<>();
            for (Grammar g : options) {
                if (g instanceof AnyOfGrammar nested) {
                    flat.addAll(nested.options);
                } else {
                    flat.add(g);
                }
            }
            this.options = List.copyOf(flat);
        }
    }

    static final class AnyValueGrammar extends Grammar {
        /** The free-form array's items. */
        final ArrayGrammar array;

        AnyValueGrammar() {
            super(1);
            array = new ArrayGrammar(this, 0, Integer.MAX_VALUE);
        }
    }
}
