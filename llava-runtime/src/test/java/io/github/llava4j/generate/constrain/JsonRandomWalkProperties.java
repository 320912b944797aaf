package io.github.llava4j.generate.constrain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random walks over allowed bytes: whatever the recogniser allows, with closing forced after a step budget, always
 * ends in a value Jackson parses and that matches the shape.
 */
class JsonRandomWalkProperties {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Property(tries = 300)
    void random_walks_end_in_a_value_of_the_shape(@ForAll("shapes") JsonShape shape, @ForAll long seed)
            throws Exception {
        Random random = new Random(seed);
        int budget = 20 + random.nextInt(80);
        JsonRecognizer state = JsonRecognizer.start(shape);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int steps = 0;
        while (!state.isComplete()) {
            boolean closing = steps >= budget;
            List<Integer> choices = new ArrayList<>();
            for (int b = 0; b < 256; b++) {
                JsonRecognizer next = state.accept(b);
                if (next != null && (!closing || next.minRemaining() < state.minRemaining())) {
                    choices.add(b);
                }
            }
            assertThat(choices).as("a step is always possible after %s", text).isNotEmpty();
            int b = choices.get(random.nextInt(choices.size()));
            text.write(b);
            state = state.accept(b);
            steps++;
            assertThat(steps).as("closing ends the walk").isLessThan(budget + 2000);
        }
        JsonNode parsed = JSON.readTree(text.toByteArray());
        assertThat(ShapeMatcher.matches(parsed, shape)).as(text.toString()).isTrue();
    }

    @Provide
    Arbitrary<JsonShape> shapes() {
        return shape(3);
    }

    private static Arbitrary<JsonShape> shape(int depth) {
        Arbitrary<JsonShape> leaf = Arbitraries.oneOf(
                Arbitraries.just(JsonShape.string()),
                Arbitraries.just(JsonShape.number()),
                Arbitraries.just(JsonShape.integer()),
                Arbitraries.just(JsonShape.bool()),
                Arbitraries.just(JsonShape.nullValue()),
                Arbitraries.just(JsonShape.anyValue()),
                Arbitraries.just(JsonShape.freeObject()),
                Arbitraries.of("a", "b\"c", "dé", "", "xyz", "yes", "no")
                        .list().ofMinSize(1).ofMaxSize(4)
                        .map(values -> (JsonShape) new JsonShape.StringShape(values)));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<JsonShape> inner = Arbitraries.lazy(() -> shape(depth - 1));
        Arbitrary<JsonShape> object = inner.list().ofMaxSize(4).map(shapes -> {
            List<JsonShape.Property> properties = new ArrayList<>();
            for (int i = 0; i < shapes.size(); i++) {
                properties.add(new JsonShape.Property("k" + i, shapes.get(i), i % 2 == 0));
            }
            return new JsonShape.ObjectShape(properties);
        });
        Arbitrary<JsonShape> array = inner.flatMap(items -> Arbitraries.integers().between(0, 3).flatMap(min ->
                Arbitraries.integers().between(Math.max(1, min), 5).map(max ->
                        (JsonShape) new JsonShape.ArrayShape(items, min, max))));
        Arbitrary<JsonShape> anyOf = inner.list().ofMinSize(2).ofMaxSize(3).map(JsonShape.AnyOfShape::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, leaf),
                net.jqwik.api.Tuple.of(3, object),
                net.jqwik.api.Tuple.of(2, array),
                net.jqwik.api.Tuple.of(1, anyOf));
    }
}
