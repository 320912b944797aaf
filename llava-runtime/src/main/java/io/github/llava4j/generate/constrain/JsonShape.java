package io.github.llava4j.generate.constrain;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * The subset of JSON Schema that constrained decoding supports, as an immutable tree. Build one by hand with the
 * factory methods or read a JSON Schema document with {@link #fromSchema(JsonNode)}.
 *
 * <p>Objects never carry properties beyond the listed ones, and the recogniser always emits every listed property in
 * order (optional ones too), so a {@link ObjectShape} needs no separate "additionalProperties" switch.
 */
public sealed interface JsonShape {

    /** Reads a JSON Schema document; unsupported keywords fail with an error naming where they are. */
    static JsonShape fromSchema(JsonNode schema) {
        return JsonSchemaParser.parse(schema);
    }

    /** An object with exactly these properties, in this order. */
    record ObjectShape(List<Property> properties) implements JsonShape {
        public ObjectShape {
            properties = List.copyOf(properties);
            var names = new LinkedHashSet<String>();
            for (Property p : properties) {
                if (!names.add(p.name())) {
                    throw new IllegalArgumentException("duplicate property '" + p.name() + "'");
                }
            }
        }
    }

    /** One object property; {@code required} is informative (the recogniser emits every property). */
    record Property(String name, JsonShape shape, boolean required) {
        public Property {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(shape, "shape of property " + name);
        }
    }

    /** An object with any keys and values (JSON Schema {@code {"type":"object"}} without properties). */
    record FreeObjectShape() implements JsonShape {}

    /**
     * @param maxItems inclusive upper bound; {@link Integer#MAX_VALUE} = unbounded
     */
    record ArrayShape(JsonShape items, int minItems, int maxItems) implements JsonShape {
        public ArrayShape {
            Objects.requireNonNull(items, "items");
            if (minItems < 0 || maxItems < minItems || maxItems < 1) {
                throw new IllegalArgumentException(
                        "array bounds need 0 <= minItems <= maxItems and maxItems >= 1, got [" + minItems + ", "
                                + maxItems + "]");
            }
        }
    }

    /** A string; a non-empty {@code allowed} list restricts it to those values (JSON Schema enum). */
    record StringShape(List<String> allowed) implements JsonShape {
        public StringShape {
            allowed = List.copyOf(new LinkedHashSet<>(allowed));
        }
    }

    /** A JSON number; {@code integer} forbids a fraction and an exponent. */
    record NumberShape(boolean integer) implements JsonShape {}

    record BooleanShape() implements JsonShape {}

    record NullShape() implements JsonShape {}

    /** One of several shapes (JSON Schema anyOf, or a list of types). */
    record AnyOfShape(List<JsonShape> options) implements JsonShape {
        public AnyOfShape {
            options = List.copyOf(options);
            if (options.isEmpty()) {
                throw new IllegalArgumentException("anyOf needs at least one option");
            }
        }
    }

    /** Any JSON value at all (the empty schema {@code {}}). */
    record AnyValueShape() implements JsonShape {}

    static ObjectShape object(Property... properties) {
        return new ObjectShape(List.of(properties));
    }

    static Property required(String name, JsonShape shape) {
        return new Property(name, shape, true);
    }

    static Property optional(String name, JsonShape shape) {
        return new Property(name, shape, false);
    }

    static ArrayShape array(JsonShape items) {
        return new ArrayShape(items, 0, Integer.MAX_VALUE);
    }

    static StringShape string() {
        return new StringShape(List.of());
    }

    static StringShape enumOf(String... values) {
        return new StringShape(List.of(values));
    }

    static NumberShape number() {
        return new NumberShape(false);
    }

    static NumberShape integer() {
        return new NumberShape(true);
    }

    static BooleanShape bool() {
        return new BooleanShape();
    }

    static NullShape nullValue() {
        return new NullShape();
    }

    static AnyOfShape anyOf(JsonShape... options) {
        return new AnyOfShape(List.of(options));
    }

    static FreeObjectShape freeObject() {
        return new FreeObjectShape();
    }

    static AnyValueShape anyValue() {
        return new AnyValueShape();
    }
}
