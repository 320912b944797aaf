package io.github.llava4j.miniature.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Checks every answer against the scene by re-deriving it from the question text, over many seeds. */
class QuestionGeneratorTest {

    private static final Pattern COLOUR_Q =
            Pattern.compile("(?:What colour is|What is the colour of|Which colour does) the (\\w+)(?: have)?\\?");
    private static final Pattern SHAPE_Q =
            Pattern.compile("(?:What shape is the|What is the shape of the|Which shape is) (\\w+)(?: object)?\\?");
    private static final Pattern COUNT_Q =
            Pattern.compile("How many (?:(\\w+) )?(\\w+) (?:are there|are in the image)\\?");
    private static final Pattern POSITION_Q =
            Pattern.compile("(?:Where is|In which part of the image is) the (\\w+ \\w+)(?: in the image)?\\?");
    private static final Pattern RELATION_Q =
            Pattern.compile("Is the (\\w+ \\w+) (left of|right of|above|below) the (\\w+ \\w+)\\?");

    private final WorldConfig config = WorldConfig.defaults();

    @Test
    void should_give_answers_consistent_with_the_scene() {
        Map<QuestionType, Integer> seen = new EnumMap<>(QuestionType.class);
        int yes = 0;
        int relations = 0;
        for (long seed = 0; seed < 4; seed++) {
            QuestionGenerator generator = new QuestionGenerator(config, seed);
            for (Scene scene : new SceneGenerator(config, seed).scenes(0, 150)) {
                for (EvalQuestion q : generator.all(scene)) {
                    assertThat(q.sceneId()).isEqualTo(scene.id());
                    assertThat(expectedAnswer(scene, q)).as("%s in scene %s", q, scene).isEqualTo(q.answer());
                    seen.merge(q.type(), 1, Integer::sum);
                    if (q.type() == QuestionType.RELATION) {
                        relations++;
                        yes += q.answer().equals("yes") ? 1 : 0;
                    }
                }
            }
        }

        assertThat(seen.keySet()).containsExactlyInAnyOrder(QuestionType.values());
        assertThat((double) yes / relations).isBetween(0.4, 0.6);
    }

    @Test
    void should_sample_at_most_per_type_deterministically() {
        for (Scene scene : new SceneGenerator(config, 8).scenes(0, 50)) {
            List<EvalQuestion> sample = new QuestionGenerator(config, 8).sample(scene, 1);

            assertThat(sample).isEqualTo(new QuestionGenerator(config, 8).sample(scene, 1));
            assertThat(sample.stream().map(EvalQuestion::type)).doesNotHaveDuplicates().contains(QuestionType.COUNT);
            assertThat(new QuestionGenerator(config, 8).all(scene)).containsAll(sample);
        }
    }

    @Test
    void should_ask_about_a_hand_made_scene() {
        List<EvalQuestion> all = new QuestionGenerator(config, 0).all(Fixtures.redCircleBlueSquare());

        assertThat(all).filteredOn(q -> q.type() == QuestionType.POSITION)
                .extracting(EvalQuestion::answer)
                .containsExactlyInAnyOrder("top left", "bottom right");
        assertThat(all).filteredOn(q -> q.question().equals("How many shapes are there?")
                        || q.question().equals("How many objects are in the image?"))
                .extracting(EvalQuestion::answer)
                .containsExactly("2");
        assertThat(all).filteredOn(q -> q.type() == QuestionType.RELATION).hasSize(2);
        assertThat(all).filteredOn(q -> q.type() == QuestionType.COUNT).extracting(EvalQuestion::answer).contains("0");
    }

    @Test
    void should_skip_colour_questions_about_a_repeated_shape() {
        Scene scene = new Scene(0, 64, List.of(
                        Fixtures.object(Shape.CIRCLE, Colour.RED, Size.SMALL, 4, 4, 12),
                        Fixtures.object(Shape.CIRCLE, Colour.BLUE, Size.SMALL, 40, 40, 12)),
                new Background(Colour.GRAY, Texture.PLAIN, 8, 0));

        List<EvalQuestion> all = new QuestionGenerator(config, 0).all(scene);

        assertThat(all).filteredOn(q -> q.type() == QuestionType.COLOUR).isEmpty();
        assertThat(all).filteredOn(q -> q.type() == QuestionType.SHAPE).hasSize(2);
    }

    private String expectedAnswer(Scene scene, EvalQuestion q) {
        return switch (q.type()) {
            case COLOUR -> {
                Shape shape = Shape.fromLabel(group(COLOUR_Q, q.question(), 1));
                List<SceneObject> matching = scene.objects().stream().filter(o -> o.shape() == shape).toList();
                assertThat(matching).hasSize(1);
                yield matching.get(0).colour().name();
            }
            case SHAPE -> {
                String colour = group(SHAPE_Q, q.question(), 1);
                List<SceneObject> matching =
                        scene.objects().stream().filter(o -> o.colour().name().equals(colour)).toList();
                assertThat(matching).hasSize(1);
                yield matching.get(0).shape().label();
            }
            case COUNT -> Long.toString(count(scene, q.question()));
            case POSITION -> {
                SceneObject o = only(scene, group(POSITION_Q, q.question(), 1));
                double third = scene.imageSize() / 3.0;
                String row = o.box().centreY() < third ? "top" : o.box().centreY() < 2 * third ? "" : "bottom";
                String column = o.box().centreX() < third ? "left" : o.box().centreX() < 2 * third ? "" : "right";
                String cell = (row + " " + column).trim();
                yield cell.isEmpty() ? "center" : cell;
            }
            case RELATION -> {
                Matcher m = matcher(RELATION_Q, q.question());
                PixelBox a = only(scene, m.group(1)).box();
                PixelBox b = only(scene, m.group(3)).box();
                boolean yes = switch (m.group(2)) {
                    case "left of" -> a.right() < b.x();
                    case "right of" -> a.x() > b.right();
                    case "above" -> a.bottom() < b.y();
                    default -> a.y() > b.bottom();
                };
                yield yes ? "yes" : "no";
            }
        };
    }

    private static long count(Scene scene, String question) {
        Matcher m = matcher(COUNT_Q, question);
        String colour = m.group(1);
        String noun = m.group(2);
        if (noun.equals("shapes") || noun.equals("objects")) {
            return colour == null
                    ? scene.objects().size()
                    : scene.objects().stream().filter(o -> o.colour().name().equals(colour)).count();
        }
        return scene.objects().stream().filter(o -> o.shape().plural().equals(noun)).count();
    }

    private static SceneObject only(Scene scene, String category) {
        List<SceneObject> matching = scene.objects().stream().filter(o -> o.category().equals(category)).toList();
        assertThat(matching).as("objects named %s", category).hasSize(1);
        return matching.get(0);
    }

    private static String group(Pattern pattern, String text, int group) {
        return matcher(pattern, text).group(group);
    }

    private static Matcher matcher(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        assertThat(m.matches()).as("'%s' matches %s", text, pattern).isTrue();
        return m;
    }
}
