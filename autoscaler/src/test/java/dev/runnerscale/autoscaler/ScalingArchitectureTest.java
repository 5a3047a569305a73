package dev.runnerscale.autoscaler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The scaling decision is plain Java: no framework, Kubernetes, AWS or JSON types, so it can be reasoned about. */
class ScalingArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.runnerscale.autoscaler");

    @Test
    void scalingPolicyAndItsValuesUseNoFrameworkTypes() {
        noClasses()
                .that()
                .resideInAPackage("dev.runnerscale.autoscaler.scaling..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.springframework..",
                        "io.fabric8..",
                        "software.amazon..",
                        "com.fasterxml.jackson..",
                        "tools.jackson..",
                        "jakarta..",
                        "io.micrometer..",
                        "org.kohsuke..",
                        "dev.runnerscale.autoscaler.pools..",
                        "dev.runnerscale.autoscaler.runners..",
                        "dev.runnerscale.autoscaler.github..")
                .because("the scaling decision is pure: values in, decision out, time from an injected Clock")
                .check(CLASSES);
    }

    private static final String[] FRAMEWORKS = {
        "org.springframework..",
        "io.fabric8..",
        "software.amazon..",
        "com.fasterxml.jackson..",
        "tools.jackson..",
        "jakarta..",
        "io.micrometer..",
        "io.github.resilience4j..",
        "org.kohsuke..",
        "java.sql..",
        "org.slf4j.."
    };

    @Test
    void costCoreIsPlainJavaWithExactMoney() {
        noClasses()
                .that()
                .resideInAPackage("dev.runnerscale.autoscaler.cost")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(FRAMEWORKS)
                .orShould()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.runnerscale.autoscaler.pools..", "dev.runnerscale.autoscaler.runners..")
                .because("cost arithmetic is pure: values in, amounts out, BigDecimal only")
                .check(CLASSES);
        noClasses()
                .that()
                .resideInAPackage("dev.runnerscale.autoscaler.cost")
                .should()
                .callMethod(java.math.BigDecimal.class, "doubleValue")
                .orShould()
                .callMethod(java.math.BigDecimal.class, "valueOf", double.class)
                .orShould()
                .callConstructor(java.math.BigDecimal.class, double.class)
                .because("no floating point holds or sums money")
                .check(CLASSES);
    }

    @Test
    void capacityPolicyAndInterruptionRulesArePlainJava() {
        noClasses()
                .that()
                .resideInAPackage("dev.runnerscale.autoscaler.capacity")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(FRAMEWORKS)
                .orShould()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.runnerscale.autoscaler.pools..",
                        "dev.runnerscale.autoscaler.runners..",
                        "dev.runnerscale.autoscaler.aws..",
                        "dev.runnerscale.autoscaler.nodes..")
                .because("the capacity decision is pure, beside ScalingPolicy: no AWS, Kubernetes or framework types")
                .check(CLASSES);
        noClasses()
                .that()
                .haveSimpleNameStartingWith("InterruptionClassifier")
                .or()
                .haveSimpleNameStartingWith("RerunRule")
                .or()
                .haveSimpleName("NodeNotice")
                .or()
                .haveSimpleName("NoticeKind")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(FRAMEWORKS)
                .because("reading notices and the re-run rule are pure")
                .check(CLASSES);
    }

    @Test
    void runnerPodFactoryBuildsObjectsAndNeverCallsTheApiServer() {
        noClasses()
                .that()
                .haveSimpleName("RunnerPodFactory")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.fabric8.kubernetes.client..")
                .because("desired objects are built apart from the adapter that talks to the API server")
                .check(CLASSES);
    }
}
