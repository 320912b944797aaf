package io.github.llava4j.generate.constrain;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;

/** Test oracle: whether a parsed JSON value matches a shape, independent of the recogniser. */
final class ShapeMatcher {
    private ShapeMatcher() {}

    static boolean matches(JsonNode node, JsonShape shape) {
        if (shape instanceof JsonShape.ObjectShape o) {
            if (!node.isObject()) {
                return false;
            }
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (o.properties().stream().noneMatch(p -> p.name().equals(name))) {
                    return false;
                }
            }
            for (JsonShape.Property p : o.properties()) {
                if (node.has(p.name()) ? !matches(node.get(p.name()), p.shape()) : p.required()) {
                    return false;
                }
            }
            return true;
        } else if (shape instanceof JsonShape.FreeObjectShape) {
            return node.isObject();
        } else if (shape instanceof JsonShape.ArrayShape a) {
            if (!node.isArray() || node.size() < a.minItems() || node.size() > a.maxItems()) {
                return false;
            }
            for (JsonNode item : node) {
                if (!matches(item, a.items())) {
                    return false;
                }
            }
            return true;
        } else if (shape instanceof JsonShape.StringShape s) {
            return node.isTextual() && (s.allowed().isEmpty() || s.allowed().contains(node.asText()));
        } else if (shape instanceof JsonShape.NumberShape n) {
            return n.integer() ? node.isIntegralNumber() : node.isNumber();
        } else if (shape instanceof JsonShape.BooleanShape) {
            return node.isBoolean();
        } else if (shape instanceof JsonShape.NullShape) {
            return node.isNull();
        } else if (shape instanceof JsonShape.AnyOfShape a) {
            return a.options().stream().anyMatch(option -> matches(node, option));
        }
        return true;
    }
}
