package io.github.llava4j.generate.constrain;

import static io.github.llava4j.generate.constrain.JsonShape.anyOf;
import static io.github.llava4j.generate.constrain.JsonShape.anyValue;
import static io.github.llava4j.generate.constrain.JsonShape.array;
import static io.github.llava4j.generate.constrain.JsonShape.bool;
import static io.github.llava4j.generate.constrain.JsonShape.enumOf;
import static io.github.llava4j.generate.constrain.JsonShape.freeObject;
import static io.github.llava4j.generate.constrain.JsonShape.integer;
import static io.github.llava4j.generate.constrain.JsonShape.nullValue;
import static io.github.llava4j.generate.constrain.JsonShape.number;
import static io.github.llava4j.generate.constrain.JsonShape.object;
import static io.github.llava4j.generate.constrain.JsonShape.optional;
import static io.github.llava4j.generate.constrain.JsonShape.required;
import static io.github.llava4j.generate.constrain.JsonShape.string;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonRecognizerTest {

    /** Whole text accepted and complete. */
    private static boolean accepts(JsonShape shape, String text) {
        JsonRecognizer r = JsonRecognizer.start(shape).accept(text.getBytes(StandardCharsets.UTF_8));
        return r != null && r.isComplete();
    }

    /** Text is a valid prefix (perhaps complete). */
    private static boolean prefix(JsonShape shape, String text) {
        return JsonRecognizer.start(shape).accept(text.getBytes(StandardCharsets.UTF_8)) != null;
    }

    @Test
    void should_accept_objects_in_schema_order_with_the_canonical_spacing() {
        JsonShape shape = object(required("name", string()), optional("age", integer()), required("ok", bool()));
        assertThat(accepts(shape, "{\"name\":\"Bo\",\"age\":3,\"ok\":true}")).isTrue();
        assertThat(accepts(shape, " {\"name\": \"Bo\", \"age\": -30, \"ok\": false}")).isTrue();
        assertThat(prefix(shape, "{\"age\"")).isFalse(); // wrong order
        assertThat(prefix(shape, "{ \"name\"")).isFalse(); // no space after '{'
        assertThat(prefix(shape, "{\"name\":  ")).isFalse(); // one space at most
        assertThat(prefix(shape, "{\"name\":\"Bo\"}")).isFalse(); // every property is emitted
        assertThat(prefix(shape, "{\"name\":\"Bo\",\"age\":3,\"ok\":true,")).isFalse(); // no extra keys
        assertThat(accepts(shape, "{\"name\":\"Bo\",\"age\":3,\"ok\":true")).isFalse(); // not closed
        assertThat(accepts(object(), "{}")).isTrue();
    }

    @Test
    void should_validate_strings_with_escapes_and_utf8_bytes() {
        assertThat(accepts(string(), "\"a\\\"b\\\\c\\n\\u00e9\"")).isTrue();
        assertThat(accepts(string(), "\"héllo 🚀\"")).isTrue();
        assertThat(prefix(string(), "\"a\\x")).isFalse();
        assertThat(prefix(string(), "\"\\u12g")).isFalse();
        assertThat(prefix(string(), "\"tab\there")).isFalse(); // raw control character
        JsonRecognizer r = JsonRecognizer.start(string()).accept((int) '"');
        assertThat(r.accept(0xE2)).isNotNull(); // the first byte of a 3-byte character
        assertThat(r.accept(0xE2).accept('a')).isNull(); // must be followed by a continuation byte
        assertThat(r.accept(0x80)).isNull(); // a continuation byte cannot start a character
        assertThat(r.accept(0xED).accept(0xA0)).isNull(); // UTF-16 surrogate
        assertThat(r.accept(0xC0)).isNull(); // overlong
        assertThat(r.accept(0xE2).minRemaining()).isEqualTo(3);
    }

    @Test
    void should_follow_the_json_number_grammar() {
        for (String ok : new String[] {"0", "-0", "12", "-3.25", "1e9", "2.5E-3", "7e+1"}) {
            assertThat(accepts(number(), ok)).as(ok).isTrue();
        }
        for (String bad : new String[] {"01", "-", "1.", ".5", "1e", "+1", "1.e3", "--1"}) {
            assertThat(accepts(number(), bad)).as(bad).isFalse();
        }
        assertThat(accepts(integer(), "-42")).isTrue();
        assertThat(prefix(integer(), "4.")).isFalse();
        assertThat(prefix(integer(), "4e")).isFalse();
        assertThat(accepts(object(required("n", number())), "{\"n\":1.5e3}")).isTrue();
    }

    @Test
    void should_accept_only_the_listed_enum_values_and_literals() {
        JsonShape colour = enumOf("red", "green", "re\"d");
        assertThat(accepts(colour, "\"red\"")).isTrue();
        assertThat(accepts(colour, "\"re\\\"d\"")).isTrue();
        assertThat(prefix(colour, "\"r")).isTrue();
        assertThat(prefix(colour, "\"b")).isFalse();
        assertThat(prefix(colour, "\"gree\"")).isFalse();
        assertThat(accepts(bool(), "true")).isTrue();
        assertThat(accepts(bool(), "false")).isTrue();
        assertThat(prefix(bool(), "tru ")).isFalse();
        assertThat(accepts(nullValue(), "null")).isTrue();
        assertThat(prefix(nullValue(), "0")).isFalse();
    }

    @Test
    void should_count_array_items_within_bounds() {
        JsonShape pair = new JsonShape.ArrayShape(integer(), 2, 3);
        assertThat(accepts(pair, "[1,2]")).isTrue();
        assertThat(accepts(pair, "[1, 2, 3]")).isTrue();
        assertThat(prefix(pair, "[1]")).isFalse();
        assertThat(prefix(pair, "[1,2,3,")).isFalse();
        assertThat(prefix(pair, "[]")).isFalse();
        assertThat(accepts(array(string()), "[]")).isTrue();
        assertThat(accepts(array(array(bool())), "[[true],[],[false, true]]")).isTrue();
        assertThat(JsonRecognizer.start(pair).accept("[".getBytes()).minRemaining()).isEqualTo(4); // 0,0]
    }

    @Test
    void should_keep_every_anyof_option_that_still_fits() {
        JsonShape shape = anyOf(integer(), string(), nullValue(),
                object(required("a", integer())), object(required("a", string())));
        assertThat(accepts(shape, "5")).isTrue();
        assertThat(accepts(shape, "\"x\"")).isTrue();
        assertThat(accepts(shape, "null")).isTrue();
        assertThat(accepts(shape, "{\"a\":1}")).isTrue();
        assertThat(accepts(shape, "{\"a\":\"1\"}")).isTrue();
        assertThat(prefix(shape, "{\"a\":t")).isFalse();
        assertThat(prefix(shape, "5.5")).isFalse();
    }

    @Test
    void should_merge_alternatives_that_end_alike() {
        JsonShape shape = array(anyOf(integer(), number()));
        JsonRecognizer r = JsonRecognizer.start(shape).accept("[".getBytes());
        for (int i = 0; i < 40; i++) {
            r = r.accept("1,".getBytes());
        }
        assertThat(r.stackCount()).isEqualTo(1);
        assertThat(r.accept("2".getBytes()).stackCount()).isEqualTo(2);
        assertThat(r.accept("2]".getBytes()).isComplete()).isTrue();
    }

    @Test
    void should_accept_any_json_for_free_form_shapes() {
        assertThat(accepts(anyValue(), "[1, {\"a\": [null, true, \"x\"]}, -2.5e1]")).isTrue();
        assertThat(accepts(freeObject(), "{\"k\": {\"n\": {}}, \"l\": []}")).isTrue();
        assertThat(prefix(freeObject(), "[")).isFalse();
        assertThat(prefix(freeObject(), "{\"k\" :")).isFalse();
        assertThat(prefix(freeObject(), "{k")).isFalse();
        assertThat(accepts(anyValue(), "17")).isTrue();
    }

    @Test
    void should_measure_the_shortest_completion() {
        JsonShape shape = object(required("a", string()), required("b", bool()));
        assertThat(JsonRecognizer.start(shape).minRemaining()).isEqualTo("{\"a\":\"\",\"b\":true}".length());
        JsonRecognizer r = JsonRecognizer.start(shape).accept("{\"a\":\"xyz".getBytes());
        assertThat(r.minRemaining()).isEqualTo("\",\"b\":true}".length());
        assertThat(r.isComplete()).isFalse();
        assertThat(r.accept("\",\"b\":true}".getBytes()).minRemaining()).isZero();
    }
}
