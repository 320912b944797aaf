package io.github.llava4j.miniature.pretrain;

import io.github.llava4j.miniature.world.NormalizedBox;
import java.util.Objects;

/**
 * A part of an image and the phrase that names it ("small red circle in the top left"), for region-level contrastive
 * pretraining: the vision tower's patch features under the box, mean-pooled, are matched with the phrase as
 * RegionCLIP (Zhong et al., 2022) matches image regions with caption phrases.
 *
 * @param box the region in image coordinates divided by the image size
 * @param phrase what is there
 */
public record ImageRegion(NormalizedBox box, String phrase) {
    public ImageRegion {
        Objects.requireNonNull(box, "box");
        if (phrase == null || phrase.isBlank()) {
            throw new IllegalArgumentException("region " + box.format() + " needs a non-blank phrase");
        }
    }

    /**
     * The patches the box covers on a {@code grid x grid} patch grid, as row-major indices ({@code row * grid +
     * column}, the order of the vision tower's patch tokens): every patch the box overlaps by more than a sliver.
     */
    int[] patches(int grid) {
        int x1 = covered(box.x1(), grid, true);
        int x2 = covered(box.x2(), grid, false);
        int y1 = covered(box.y1(), grid, true);
        int y2 = covered(box.y2(), grid, false);
        int[] out = new int[(x2 - x1 + 1) * (y2 - y1 + 1)];
        int k = 0;
        for (int row = y1; row <= y2; row++) {
            for (int column = x1; column <= x2; column++) {
                out[k++] = row * grid + column;
            }
        }
        return out;
    }

    /** First (or last) patch index a box edge at {@code edge} (in [0, 1]) reaches, ignoring 1e-6 of rounding. */
    private static int covered(double edge, int grid, boolean start) {
        double cell = edge * grid;
        int index = start ? (int) Math.floor(cell + 1e-6) : (int) Math.ceil(cell - 1e-6) - 1;
        return Math.max(0, Math.min(grid - 1, index));
    }
}
