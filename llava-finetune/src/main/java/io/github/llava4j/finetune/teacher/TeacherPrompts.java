package io.github.llava4j.finetune.teacher;

import java.util.List;

/**
 * The built-in prompts for each {@link ResponseType}, in the style of LLaVA's (paper §3 and its appendix) but in our
 * own words. The reply formats are what {@link ReplyParser} reads: {@code Question:}/{@code ===}/{@code Answer:}
 * blocks for conversation and complex reasoning, a plain paragraph for detailed description.
 */
public final class TeacherPrompts {
    private TeacherPrompts() {}

    /** The built-in prompt for {@code type}. */
    public static TeacherPrompt of(ResponseType type) {
        return switch (type) {
            case CONVERSATION -> CONVERSATION_PROMPT;
            case DETAIL -> DETAIL_PROMPT;
            case COMPLEX -> COMPLEX_PROMPT;
        };
    }

    private static final String STREET = """
            A man rides a bicycle past a row of parked cars.
            A cyclist in a yellow jacket on a city street.
            Cars parked along a street while a person bikes by.
            A person on a bike passing parked vehicles near shops.
            A rider wearing a helmet cycles down the road.""";

    private static final String STREET_BOXES = STREET + """


            person: [0.412, 0.285, 0.553, 0.802]
            bicycle: [0.398, 0.511, 0.590, 0.897]
            car: [0.000, 0.452, 0.301, 0.768]
            car: [0.655, 0.430, 0.998, 0.781]
            handbag: [0.470, 0.480, 0.512, 0.566]""";

    private static final String KITCHEN = """
            Two children bake cookies at a kitchen counter.
            A boy and a girl put dough on a baking tray.
            Kids making cookies together in a bright kitchen.
            Two young bakers with flour on the counter.
            Children preparing a tray of cookies next to an oven.""";

    private static final String KITCHEN_BOXES = KITCHEN + """


            person: [0.102, 0.151, 0.433, 0.995]
            person: [0.521, 0.204, 0.842, 0.990]
            oven: [0.860, 0.402, 1.000, 0.960]
            bowl: [0.401, 0.612, 0.522, 0.700]
            spoon: [0.455, 0.580, 0.530, 0.640]""";

    private static final TeacherPrompt CONVERSATION_PROMPT = new TeacherPrompt("""
            You are an AI assistant that can see a single image. Instead of the pixels you are given five sentences, \
            each describing the same image. Write a conversation between yourself, answering as someone who is \
            looking at the image, and a person who asks about it. Ask varied questions: what objects are there, how \
            many, what they are doing, where they are and how they are placed relative to each other. Only ask \
            questions that have a definite answer: either the answer is visible in the image, or it is clear that \
            the thing asked about is absent. Also include one or two harder questions that need background \
            knowledge or reasoning about the scene, and answer those thoroughly. Never mention the sentences; talk \
            as if you see the image.
            Write each exchange as
            Question:
            <question>
            ===
            Answer:
            <answer>
            ===""", List.of(
            new TeacherPrompt.Example(STREET, """
                    Question:
                    What is the person in the image doing?
                    ===
                    Answer:
                    The person is riding a bicycle along a city street, passing a row of parked cars.
                    ===
                    Question:
                    Is the cyclist wearing anything for safety?
                    ===
                    Answer:
                    Yes, the cyclist wears a helmet, and the bright yellow jacket also makes them easier to see.
                    ===
                    Question:
                    Why is a bright jacket useful when cycling in traffic?
                    ===
                    Answer:
                    A bright jacket makes a cyclist stand out against the street, so drivers notice them earlier. \
                    That gives drivers more time to slow down or keep their distance, which lowers the risk of an \
                    accident, especially near parked cars whose doors may open.
                    ==="""),
            new TeacherPrompt.Example(KITCHEN, """
                    Question:
                    How many children are in the image?
                    ===
                    Answer:
                    There are two children, a boy and a girl.
                    ===
                    Question:
                    What are they making?
                    ===
                    Answer:
                    They are making cookies, placing dough on a baking tray at the kitchen counter.
                    ===""")));

    private static final TeacherPrompt DETAIL_PROMPT = new TeacherPrompt("""
            You are an AI visual assistant describing a single image. Instead of the pixels you are given five \
            sentences describing the image and the objects in it, one per line as "category: [x1, y1, x2, y2]": the \
            box's top-left and bottom-right corners as fractions of the image width and height, from 0 to 1. \
            Describe the image in detail, as someone looking at it would. Use the boxes to say how many objects of \
            each kind there are, where they are and how they are placed relative to each other, but never quote \
            coordinates and never mention the sentences or the boxes as your source.""", List.of(
            new TeacherPrompt.Example(STREET_BOXES, """
                    The image shows a city street with a cyclist in the middle of the scene, riding past parked \
                    cars. The cyclist wears a helmet and a yellow jacket and carries a small handbag at the waist. \
                    Two cars are parked on either side of the rider, one on the left edge of the picture and one \
                    on the right, and shops line the street in the background."""),
            new TeacherPrompt.Example(KITCHEN_BOXES, """
                    Two children are baking together in a bright kitchen. One child stands on the left and the \
                    other on the right, both at a counter with a baking tray between them. A bowl of dough with a \
                    spoon in it sits in the middle of the counter, and an oven is at the right edge of the \
                    picture, ready for the cookies.""")));

    private static final TeacherPrompt COMPLEX_PROMPT = new TeacherPrompt("""
            You are an AI visual assistant that can see a single image. Instead of the pixels you are given five \
            sentences describing the image and the objects in it, one per line as "category: [x1, y1, x2, y2]": the \
            box's top-left and bottom-right corners as fractions of the image width and height, from 0 to 1. \
            Ask one plausible but challenging question about the image and answer it. Answering must need an \
            understanding of what the image shows and then background knowledge or step-by-step reasoning, for \
            example why something is happening or what someone should do. Do not reveal the visual details in the \
            question. Answer in detail, as someone looking at the image, never quoting coordinates and never \
            mentioning the sentences or the boxes.
            Write it as
            Question:
            <question>
            ===
            Answer:
            <answer>""", List.of(
            new TeacherPrompt.Example(STREET_BOXES, """
                    Question:
                    What should the cyclist watch out for on this street?
                    ===
                    Answer:
                    The cyclist rides close to cars parked on both sides, so the biggest danger is a driver opening \
                    a door without looking. Keeping a door's width away from the parked cars, riding at a moderate \
                    speed and watching for people inside the cars lowers that risk. The helmet and the bright \
                    jacket already help other road users see the rider."""),
            new TeacherPrompt.Example(KITCHEN_BOXES, """
                    Question:
                    What should an adult keep in mind while these children are baking?
                    ===
                    Answer:
                    The children work next to an oven, which gets very hot. An adult should handle putting the \
                    tray in and taking it out, or at least supervise closely with oven mitts at hand, while the \
                    children shape the dough at the counter, the safe part of the job.""")));
}
