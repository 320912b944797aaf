package io.github.llava4j.miniature.world;

/** The kinds of evaluation question; each has a closed set of exact answers. */
public enum QuestionType {
    /** "What colour is the circle?" -> a colour name; asked only when the shape is unique in the scene. */
    COLOUR,
    /** "What shape is the blue object?" -> a shape label; asked only when the colour is unique. */
    SHAPE,
    /** "How many (red) shapes / circles are there?" -> digits, "0" for an absent colour or shape. */
    COUNT,
    /** "Where is the red circle?" -> a {@link Position} label; only for a unique category clear of the thirds. */
    POSITION,
    /** "Is the red circle left of the blue square?" -> "yes"/"no"; only with a clear gap along the asked axis. */
    RELATION
}
