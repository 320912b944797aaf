package io.github.llava4j.finetune;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.github.llava4j.AutogradRules;
import org.junit.jupiter.api.Test;

/** This module's code trains: the constants of its tensor arithmetic must outlive the backward pass. */
class AutogradSafetyTest {
    @Test
    void constants_in_tensor_arithmetic_are_made_by_torch() {
        AutogradRules.constantsComeFromScalars().check(new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.github.llava4j.finetune"));
    }
}
