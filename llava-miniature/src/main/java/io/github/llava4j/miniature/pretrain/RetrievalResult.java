package io.github.llava4j.miniature.pretrain;

/**
 * Image-to-caption retrieval: each image picks, among all distinct captions of the evaluated list, the one of highest
 * cosine similarity; it is correct when that caption is one of the image's own.
 *
 * @param images images (or, for region retrieval, regions) evaluated
 * @param candidates distinct captions they chose from
 * @param correct images whose top-1 caption is their own
 */
public record RetrievalResult(int images, int candidates, int correct) {
    /** Top-1 accuracy. */
    public double accuracy() {
        return images == 0 ? 0 : (double) correct / images;
    }

    /** The accuracy of a random choice for images of one caption each. */
    public double chance() {
        return candidates == 0 ? 0 : 1.0 / candidates;
    }
}
