package io.github.llava4j.generate.constrain;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the supported JSON Schema subset into a {@link JsonShape}; everything else is an error naming its path. */
final class JsonSchemaParser {
    private static final Set<String> KNOWN = Set.of(
            "type", "properties", "required", "items", "enum", "const", "anyOf", "additionalProperties",
            "minItems", "maxItems",
            // annotations that do not constrain the value
            "title", "description", "$schema", "$id", "default", "examples", "$comment");

    private JsonSchemaParser() {}

    static JsonShape parse(JsonNode schema) {
        return parse(schema, "#");
    }

    private static JsonShape parse(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw error(path, "a schema must be a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KNOWN.contains(key)) {
                throw error(path, "unsupported keyword '" + key + "' (supported: type, properties, required, items, "
                        + "enum, const, anyOf, additionalProperties, minItems, maxItems)");
            }
        }
        if (node.has("anyOf")) {
            JsonNode options = node.get("anyOf");
            if (!options.isArray() || options.isEmpty()) {
                throw error(path + "/anyOf", "must be a non-empty array");
            }
            if (node.has("type") || node.has("enum") || node.has("const")) {
                throw error(path, "anyOf together with type/enum/const is not supported; put them inside anyOf");
            }
            List<JsonShape> shapes = new ArrayList<>();
            for (int i = 0; i < options.size(); i++) {
                shapes.add(parse(options.get(i), path + "/anyOf/" + i));
            }
            return shapes.size() == 1 ? shapes.get(0) : new JsonShape.AnyOfShape(shapes);
        }
        if (node.has("enum") || node.has("const")) {
            return enumShape(node, path);
        }
        JsonNode type = node.get("type");
        if (type == null) {
            if (node.has("properties")) {
                return typed("object", node, path);
            }
            return new JsonShape.AnyValueShape();
        }
        if (type.isTextual()) {
            return typed(type.asText(), node, path);
        }
        if (type.isArray() && !type.isEmpty()) {
            List<JsonShape> shapes = new ArrayList<>();
            for (JsonNode t : type) {
                shapes.add(typed(t.asText(), node, path));
            }
            return shapes.size() == 1 ? shapes.get(0) : new JsonShape.AnyOfShape(shapes);
        }
        throw error(path + "/type", "must be a type name or a non-empty array of them, got " + type);
    }

    private static JsonShape enumShape(JsonNode node, String path) {
        List<String> values = new ArrayList<>();
        JsonNode list = node.has("const") ? node.get("const") : node.get("enum");
        String where = path + (node.has("const") ? "/const" : "/enum");
        for (JsonNode value : list.isArray() ? list : List.of(list)) {
            if (!value.isTextual()) {
                throw error(where, "only string values are supported, got " + value);
            }
            values.add(value.asText());
        }
        if (values.isEmpty()) {
            throw error(where, "must list at least one value");
        }
        JsonNode type = node.get("type");
        if (type != null && !(type.isTextual() && type.asText().equals("string"))) {
            throw error(path + "/type", "an enum of strings needs type 'string', got " + type);
        }
        return new JsonShape.StringShape(values);
    }

    private static JsonShape typed(String type, JsonNode node, String path) {
        return switch (type) {
            case "object" -> object(node, path);
            case "array" -> array(node, path);
            case "string" -> new JsonShape.StringShape(List.of());
            case "number" -> new JsonShape.NumberShape(false);
            case "integer" -> new JsonShape.NumberShape(true);
            case "boolean" -> new JsonShape.BooleanShape();
            case "null" -> new JsonShape.NullShape();
            default -> throw error(path + "/type", "unknown type '" + type + "'");
        };
    }

    private static JsonShape object(JsonNode node, String path) {
        JsonNode additional = node.get("additionalProperties");
        if (additional != null && !additional.isBoolean()) {
            throw error(path + "/additionalProperties", "only true or false is supported, got a schema");
        }
        JsonNode properties = node.get("properties");
        if (properties == null || properties.isEmpty()) {
            boolean closed = additional != null && !additional.asBoolean();
            return closed ? new JsonShape.ObjectShape(List.of()) : new JsonShape.FreeObjectShape();
        }
        if (!properties.isObject()) {
            throw error(path + "/properties", "must be an object");
        }
        Set<String> required = new HashSet<>();
        JsonNode req = node.get("required");
        if (req != null) {
            if (!req.isArray()) {
                throw error(path + "/required", "must be an array of property names");
            }
            for (JsonNode name : req) {
                if (!properties.has(name.asText())) {
                    throw error(path + "/required", "names '" + name.asText() + "', which is not in properties");
                }
                required.add(name.asText());
            }
        }
        List<JsonShape.Property> list = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            list.add(new JsonShape.Property(e.getKey(), parse(e.getValue(), path + "/properties/" + e.getKey()),
                    required.contains(e.getKey())));
        }
        return new JsonShape.ObjectShape(list);
    }

    private static JsonShape array(JsonNode node, String path) {
        JsonNode items = node.get("items");
        if (items != null && !items.isObject()) {
            throw error(path + "/items", "must be a single schema (tuple items are not supported)");
        }
        JsonShape itemShape = items == null ? new JsonShape.AnyValueShape() : parse(items, path + "/items");
        int min = bound(node, "minItems", 0, path);
        int max = bound(node, "maxItems", Integer.MAX_VALUE, path);
        try {
            return new JsonShape.ArrayShape(itemShape, min, max);
        } catch (IllegalArgumentException e) {
            throw error(path, e.getMessage());
        }
    }

    private static int bound(JsonNode node, String key, int fallback, String path) {
        JsonNode value = node.get(key);
        if (value == null) {
            return fallback;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 0) {
            throw error(path + "/" + key, "must be a non-negative integer, got " + value);
        }
        return value.asInt();
    }

    private static IllegalArgumentException error(String path, String message) {
        return new IllegalArgumentException("JSON schema at " + path + ": " + message);
    }
}
