package dev.runnerscale.autoscaler.github;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "dev.runnerscale.autoscaler", importOptions = ImportOption.DoNotIncludeTests.class)
class GitHubArchitectureTest {

    /** GitHub is reached only through the guarded client: no second HTTP path around its gate and breaker. */
    @ArchTest
    static final ArchRule onlyTheGitHubPackageTalksToGitHubLibraries = noClasses()
            .that()
            .resideOutsideOfPackage("dev.runnerscale.autoscaler.github..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.kohsuke.github..", "io.jsonwebtoken..");

    /** Repair and redelivery use the GitHub ports, never the HTTP plumbing behind them. */
    @ArchTest
    static final ArchRule repairUsesThePortsOnly = noClasses()
            .that()
            .resideInAPackage("dev.runnerscale.autoscaler.repair..")
            .should()
            .dependOnClassesThat()
            .haveSimpleNameStartingWith("GitHubHttp")
            .orShould()
            .dependOnClassesThat()
            .haveSimpleNameStartingWith("Rest");
}
