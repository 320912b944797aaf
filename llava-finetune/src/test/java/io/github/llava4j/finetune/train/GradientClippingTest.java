package io.github.llava4j.finetune.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GradientClippingTest {
    NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void should_compute_the_norm_over_all_arrays_and_scale_when_above_max() {
        NDArray a = manager.create(new float[] {1f, 2f});
        NDArray b = manager.create(new float[][] {{2f}, {4f}});
        // sqrt(1 + 4 + 4 + 16) = 5
        double norm = GradientClipping.clipGlobalNorm(List.of(a, b), 2.5);
        assertThat(norm).isCloseTo(5.0, within(1e-6));
        double c = 2.5 / (5.0 + 1e-6);
        assertThat(a.toFloatArray()).containsExactly(new float[] {(float) c, (float) (2 * c)}, within(1e-6f));
        assertThat(b.toFloatArray()).containsExactly(new float[] {(float) (2 * c), (float) (4 * c)}, within(1e-6f));
        assertThat(GradientClipping.globalNorm(List.of(a, b))).isCloseTo(2.5, within(1e-5));
    }

    @Test
    void should_leave_gradients_below_max_unchanged() {
        NDArray a = manager.create(new float[] {3f, 4f});
        assertThat(GradientClipping.clipGlobalNorm(List.of(a), 10.0)).isCloseTo(5.0, within(1e-6));
        assertThat(a.toFloatArray()).containsExactly(3f, 4f);
    }

    @Test
    void should_not_clip_when_disabled_but_still_report_the_norm() {
        NDArray a = manager.create(new float[] {30f, 40f});
        assertThat(GradientClipping.clipGlobalNorm(List.of(a), 0)).isCloseTo(50.0, within(1e-5));
        assertThat(a.toFloatArray()).containsExactly(30f, 40f);
    }

    @Test
    void should_return_a_non_finite_norm_without_clipping() {
        NDArray a = manager.create(new float[] {Float.NaN, 1f});
        NDArray b = manager.create(new float[] {100f});
        assertThat(GradientClipping.clipGlobalNorm(List.of(a, b), 1.0)).isNaN();
        assertThat(b.toFloatArray()).containsExactly(100f);
        NDArray c = manager.create(new float[] {Float.POSITIVE_INFINITY});
        assertThat(GradientClipping.clipGlobalNorm(List.of(c, b), 1.0)).isInfinite();
        assertThat(b.toFloatArray()).containsExactly(100f);
    }

    @Test
    void should_return_zero_for_no_gradients() {
        assertThat(GradientClipping.clipGlobalNorm(List.of(), 1.0)).isEqualTo(0.0);
    }
}
