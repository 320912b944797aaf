package io.github.llava4j.generate.constrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonShapeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonShape parse(String schema) throws Exception {
        return JsonShape.fromSchema(JSON.readTree(schema));
    }

    @Test
    void should_read_the_common_keywords_keeping_property_order() throws Exception {
        JsonShape shape = parse("""
                {"type": "object", "title": "Person", "additionalProperties": false,
                 "properties": {
                   "name": {"type": "string", "description": "full name"},
                   "age": {"type": "integer"},
                   "colour": {"enum": ["red", "blue"]},
                   "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3},
                   "score": {"type": ["number", "null"]},
                   "ok": {"anyOf": [{"type": "boolean"}, {"type": "null"}]},
                   "extra": {}
                 },
                 "required": ["name", "colour"]}""");
        assertThat(shape).isEqualTo(JsonShape.object(
                JsonShape.required("name", JsonShape.string()),
                JsonShape.optional("age", JsonShape.integer()),
                JsonShape.required("colour", JsonShape.enumOf("red", "blue")),
                JsonShape.optional("tags", new JsonShape.ArrayShape(JsonShape.string(), 1, 3)),
                JsonShape.optional("score", JsonShape.anyOf(JsonShape.number(), JsonShape.nullValue())),
                JsonShape.optional("ok", JsonShape.anyOf(JsonShape.bool(), JsonShape.nullValue())),
                JsonShape.optional("extra", JsonShape.anyValue())));
        assertThat(parse("{\"type\": \"object\"}")).isEqualTo(JsonShape.freeObject());
        assertThat(parse("{\"const\": \"x\"}")).isEqualTo(new JsonShape.StringShape(List.of("x")));
    }

    @Test
    void should_name_the_place_of_an_unsupported_keyword() {
        assertThatThrownBy(() -> parse("{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"string\", "
                + "\"pattern\": \"x+\"}}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("#/properties/a")
                .hasMessageContaining("'pattern'");
        assertThatThrownBy(() -> parse("{\"$ref\": \"#/defs/x\"}")).hasMessageContaining("'$ref'");
        assertThatThrownBy(() -> parse("{\"type\": \"date\"}")).hasMessageContaining("unknown type 'date'");
        assertThatThrownBy(() -> parse("{\"enum\": [1, 2]}")).hasMessageContaining("only string values");
        assertThatThrownBy(() -> parse("{\"type\": \"object\", \"properties\": {\"a\": {}}, \"required\": [\"b\"]}"))
                .hasMessageContaining("'b'");
        assertThatThrownBy(() -> parse("{\"type\": \"array\", \"minItems\": 3, \"maxItems\": 2}"))
                .hasMessageContaining("#");
        assertThatThrownBy(() -> parse("{\"type\": \"object\", \"additionalProperties\": {\"type\": \"string\"}}"))
                .hasMessageContaining("additionalProperties");
    }
}
