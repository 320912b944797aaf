package io.github.llava4j.langchain4j;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNullSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonReferenceSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import io.github.llava4j.generate.constrain.JsonShape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * LangChain4j's JSON schema elements to the runtime's {@link JsonShape}, which drives grammar-constrained decoding.
 * References ({@code $ref} to the root object's definitions) are inlined; recursive schemas are refused, since a
 * grammar over them would be unbounded.
 */
final class SchemaMapper {
    private static final int MAX_DEPTH = 32;

    private SchemaMapper() {}

    static JsonShape toShape(JsonSchemaElement root) {
        Map<String, JsonSchemaElement> definitions = new HashMap<>();
        if (root instanceof JsonObjectSchema object && object.definitions() != null) {
            definitions.putAll(object.definitions());
        }
        return map(root, definitions, 0);
    }

    private static JsonShape map(JsonSchemaElement element, Map<String, JsonSchemaElement> definitions, int depth) {
        if (depth > MAX_DEPTH) {
            throw new UnsupportedFeatureException("JSON schema nested deeper than " + MAX_DEPTH
                    + " levels (recursive schemas are not supported by constrained decoding)");
        }
        if (element instanceof JsonObjectSchema object) {
            if (object.properties() == null || object.properties().isEmpty()) {
                return new JsonShape.FreeObjectShape();
            }
            List<String> required = object.required() == null ? List.of() : object.required();
            List<JsonShape.Property> properties = new ArrayList<>();
            object.properties().forEach((name, value) -> properties.add(
                    new JsonShape.Property(name, map(value, definitions, depth + 1), required.contains(name))));
            return new JsonShape.ObjectShape(properties);
        }
        if (element instanceof JsonStringSchema) {
            return JsonShape.string();
        }
        if (element instanceof JsonEnumSchema enumeration) {
            return new JsonShape.StringShape(enumeration.enumValues());
        }
        if (element instanceof JsonIntegerSchema) {
            return JsonShape.integer();
        }
        if (element instanceof JsonNumberSchema) {
            return JsonShape.number();
        }
        if (element instanceof JsonBooleanSchema) {
            return JsonShape.bool();
        }
        if (element instanceof JsonNullSchema) {
            return JsonShape.nullValue();
        }
        if (element instanceof JsonArraySchema array) {
            return JsonShape.array(array.items() == null ? new JsonShape.AnyValueShape()
                    : map(array.items(), definitions, depth + 1));
        }
        if (element instanceof JsonAnyOfSchema anyOf) {
            List<JsonShape> options = new ArrayList<>();
            for (JsonSchemaElement option : anyOf.anyOf()) {
                options.add(map(option, definitions, depth + 1));
            }
            return new JsonShape.AnyOfShape(options);
        }
        if (element instanceof JsonReferenceSchema reference) {
            String name = reference.reference();
            JsonSchemaElement target = definitions.get(name);
            if (target == null && name != null && name.contains("/")) {
                target = definitions.get(name.substring(name.lastIndexOf('/') + 1));
            }
            if (target == null) {
                throw new UnsupportedFeatureException("JSON schema reference '" + name + "' has no definition");
            }
            return map(target, definitions, depth + 1);
        }
        if (element instanceof JsonRawSchema raw) {
            try {
                return JsonShape.fromSchema(new ObjectMapper().readTree(raw.schema()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UnsupportedFeatureException("raw JSON schema is not valid JSON: " + e.getOriginalMessage());
            }
        }
        throw new UnsupportedFeatureException("JSON schema element " + element.getClass().getSimpleName()
                + " is not supported by constrained decoding");
    }
}
