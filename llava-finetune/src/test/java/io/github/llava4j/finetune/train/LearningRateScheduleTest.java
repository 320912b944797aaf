package io.github.llava4j.finetune.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Expected values come from Hugging Face's formulas evaluated in Python (see the comments). */
class LearningRateScheduleTest {
    @Test
    void should_ramp_linearly_from_zero_during_warmup() {
        LearningRateSchedule s = LearningRateSchedule.cosineWithWarmup(10, 3);
        assertThat(s.factor(0)).isEqualTo(0.0);
        assertThat(s.factor(1)).isCloseTo(1.0 / 3, within(1e-15));
        assertThat(s.factor(2)).isCloseTo(0.6666666666666666, within(1e-15));
    }

    @Test
    void should_follow_half_a_cosine_after_warmup() {
        LearningRateSchedule s = LearningRateSchedule.cosineWithWarmup(10, 3);
        // python: 0.5 * (1 + math.cos(math.pi * (step - 3) / 7))
        assertThat(s.factor(3)).isEqualTo(1.0);
        assertThat(s.factor(4)).isCloseTo(0.9504844339512095, within(1e-15));
        assertThat(s.factor(9)).isCloseTo(0.04951556604879048, within(1e-15));
        assertThat(s.factor(10)).isCloseTo(0.0, within(1e-15)).isGreaterThanOrEqualTo(0.0);
    }

    @Test
    void should_handle_no_warmup_and_degenerate_lengths() {
        assertThat(LearningRateSchedule.cosineWithWarmup(5, 0).factor(0)).isEqualTo(1.0);
        assertThat(LearningRateSchedule.cosineWithWarmup(5, 0).factor(5)).isCloseTo(0.0, within(1e-15));
        assertThat(LearningRateSchedule.cosineWithWarmup(0, 0).factor(0)).isEqualTo(1.0);
        assertThat(LearningRateSchedule.constant().factor(12345)).isEqualTo(1.0);
    }

    @Test
    void should_round_warmup_steps_up_like_hugging_face() {
        // python: math.ceil(total * ratio)
        assertThat(LearningRateSchedule.warmupSteps(5198, 0.03)).isEqualTo(156);
        assertThat(LearningRateSchedule.warmupSteps(1000, 0.03)).isEqualTo(30);
        assertThat(LearningRateSchedule.warmupSteps(7, 0.03)).isEqualTo(1);
        assertThat(LearningRateSchedule.warmupSteps(7, 0.0)).isEqualTo(0);
        assertThatThrownBy(() -> LearningRateSchedule.warmupSteps(7, 1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.5");
    }
}
