package io.github.llava4j.finetune.teacher;

import java.util.List;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The instructions paired with a detailed description (the paper's appendix list): LLaVA shows the model one of these,
 * sampled at random, and trains it to answer with the teacher's description.
 */
public final class DetailInstructions {
    private DetailInstructions() {}

    public static final List<String> ALL = List.of(
            "Describe the following image in detail.",
            "Provide a detailed description of the given image.",
            "Give an elaborate explanation of the image you see.",
            "Share a comprehensive rundown of the presented image.",
            "Offer a thorough analysis of the image.",
            "Explain the various aspects of the image before you.",
            "Clarify the contents of the displayed image with great detail.",
            "Characterize the image using a well-detailed description.",
            "Break down the elements of the image in a detailed manner.",
            "Walk through the important details of the image.",
            "Portray the image with a rich, descriptive narrative.",
            "Narrate the contents of the image with precision.",
            "Analyze the image in a comprehensive and detailed manner.",
            "Illustrate the image through a descriptive explanation.",
            "Examine the image closely and share its details.",
            "Write an exhaustive depiction of the given image.");

    /**
     * The instruction for one image: a function of the seed and the image id only, so the choice does not depend on
     * thread scheduling or on which samples a resumed run still has to do.
     */
    public static String pick(long seed, String imageId) {
        long h = 0xcbf29ce484222325L; // FNV-1a over the id, then SplittableRandom's mixing of the seed
        for (byte b : imageId.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return ALL.get(new SplittableRandom(seed ^ h).nextInt(ALL.size()));
    }
}
