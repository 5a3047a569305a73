package dev.runnerscale.autoscaler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "dev.runnerscale.autoscaler", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** The merge rules are the ledger's specification: plain Java, testable without Spring, JDBC or Jackson. */
    @ArchTest
    static final ArchRule mergeRulesArePlainJava = classes()
            .that()
            .haveSimpleNameStartingWith("JobMerge")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage("java..", "dev.runnerscale.autoscaler.jobs..");

    /** Test-only parts (embedded PostgreSQL, WireMock, the Kubernetes mock server) never reach production code. */
    @ArchTest
    static final ArchRule productionCodeUsesNoTestLibraries =
            com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(
                            "io.zonky..", "com.github.tomakehurst..", "org.wiremock..", "io.fabric8.mockwebserver..");
}
