package io.github.llava4j;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import ai.djl.ndarray.NDArray;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

/** Rules for code that may run under autograd, shared by the modules' architecture tests. */
public final class AutogradRules {
    private AutogradRules() {}

    /**
     * No call of DJL's {@code mul(Number)}, {@code div(Number)} or {@code pow(Number)}: each wraps the number in an
     * array that borrows a Java buffer and frees it while autograd may still read it in the backward pass.
     */
    public static ArchRule constantsComeFromScalars() {
        return noClasses()
                .should().callMethod(NDArray.class, "mul", Number.class)
                .orShould().callMethod(NDArray.class, "div", Number.class)
                .orShould().callMethod(NDArray.class, "pow", Number.class)
                .because("the backward pass reads freed memory otherwise; use io.github.llava4j.model.Scalars");
    }

    /** Checks {@link #constantsComeFromScalars()} on the main (not test) classes of {@code rootPackage}. */
    public static void checkMainClassesOf(String rootPackage) {
        constantsComeFromScalars().check(new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(rootPackage));
    }
}
