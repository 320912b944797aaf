package io.github.llava4j;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The package arrows of docs/runtime.md: the math knows nothing of files, prompts or the CLI, and so on. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.github.llava4j");
    }

    @Test
    void model_depends_only_on_config_and_djl() {
        noClasses().that().resideInAPackage("..llava4j.model..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "..llava4j.io..", "..llava4j.image..", "..llava4j.text..", "..llava4j.generate..",
                        "..llava4j.cache..", "..llava4j.cli..")
                .check(classes);
    }

    @Test
    void config_is_plain_data() {
        noClasses().that().resideInAPackage("..llava4j.config..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "ai.djl..", "..llava4j.io..", "..llava4j.model..", "..llava4j.image..", "..llava4j.text..",
                        "..llava4j.generate..", "..llava4j.cache..", "..llava4j.cli..")
                .check(classes);
    }

    @Test
    void images_and_generation_do_not_touch_tensors_or_files() {
        noClasses().that().resideInAnyPackage("..llava4j.image..", "..llava4j.generate..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "ai.djl..", "..llava4j.io..", "..llava4j.model..", "..llava4j.cli..")
                .check(classes);
    }

    @Test
    void only_the_cli_uses_picocli_and_nothing_uses_the_cli() {
        noClasses().that().resideOutsideOfPackage("..llava4j.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("picocli..", "..llava4j.cli..")
                .check(classes);
    }

    @Test
    void the_runtime_knows_nothing_of_langchain4j() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.langchain4j..").check(classes);
    }

    @Test
    void constants_in_tensor_arithmetic_are_made_by_torch() {
        AutogradRules.constantsComeFromScalars().check(classes);
    }
}
