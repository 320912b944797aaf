package io.github.llava4j.miniature.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.llava4j.miniature.world.NormalizedBox;
import org.junit.jupiter.api.Test;

class ImageRegionTest {

    @Test
    void should_cover_the_patches_a_box_overlaps_in_row_major_order() {
        // 64 px on an 8x8 grid of 8 px patches: pixels 17..38 x 9..30 touch columns 2..4 and rows 1..3
        ImageRegion region = new ImageRegion(new NormalizedBox(17 / 64.0, 9 / 64.0, 39 / 64.0, 31 / 64.0), "a");
        assertThat(region.patches(8)).containsExactly(10, 11, 12, 18, 19, 20, 26, 27, 28);
    }

    @Test
    void should_not_count_a_patch_the_box_only_touches_at_its_edge() {
        // a box ending exactly on a patch border does not reach into the next patch
        ImageRegion block = new ImageRegion(new NormalizedBox(0.25, 0.5, 0.5, 0.75), "a");
        assertThat(block.patches(4)).containsExactly(9);
        ImageRegion whole = new ImageRegion(new NormalizedBox(0, 0, 1, 1), "everything");
        assertThat(whole.patches(2)).containsExactly(0, 1, 2, 3);
    }

    @Test
    void should_need_a_phrase() {
        assertThatThrownBy(() -> new ImageRegion(new NormalizedBox(0, 0, 0.5, 0.5), " "))
                .hasMessage("region [0.000, 0.000, 0.500, 0.500] needs a non-blank phrase");
    }
}
