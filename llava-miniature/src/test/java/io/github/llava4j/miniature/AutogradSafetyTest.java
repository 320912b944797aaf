package io.github.llava4j.miniature;

import io.github.llava4j.AutogradRules;
import org.junit.jupiter.api.Test;

/** This module's code trains: the constants of its tensor arithmetic must outlive the backward pass. */
class AutogradSafetyTest {
    @Test
    void constants_in_tensor_arithmetic_are_made_by_torch() {
        AutogradRules.checkMainClassesOf("io.github.llava4j.miniature");
    }
}
