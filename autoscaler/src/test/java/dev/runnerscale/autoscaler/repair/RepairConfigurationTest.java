package dev.runnerscale.autoscaler.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runnerscale.autoscaler.github.GitHubConfiguration;
import dev.runnerscale.autoscaler.jobs.JobLedger;
import dev.runnerscale.autoscaler.jobs.JobStatus;
import dev.runnerscale.autoscaler.leader.Leadership;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock.DeliveryFixture;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock.JobFixture;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

/** The wiring: with credentials, a leader repairs the ledger in the background; without, nothing is scheduled. */
@ExtendWith(OutputCaptureExtension.class)
class RepairConfigurationTest {

    @RegisterExtension
    static final GitHubWireMock github = new GitHubWireMock();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class, JacksonAutoConfiguration.class))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withUserConfiguration(GitHubConfiguration.class, RepairConfiguration.class);

    @Test
    void aLeaderWithATokenRepairsAMissedCompletedInTheBackground() {
        InMemoryJobLedger ledger = new InMemoryJobLedger();
        Instant queued = Instant.now().minus(Duration.ofMinutes(10));
        ledger.record(RepairObservations.queued(77, 770, "octo-org", "octo-repo", List.of("linux"), "d-77", queued));
        github.stubJob("octo-org", "octo-repo", JobFixture.completed(77, queued, Instant.now(), List.of("linux")));

        runner.withBean(JobLedger.class, () -> ledger)
                .withBean(Leadership.class, () -> () -> true)
                .withPropertyValues(
                        "runnerscale.github.token=ghp_abc",
                        "runnerscale.github.api-url=" + github.baseUrl(),
                        "runnerscale.github.repair.interval=100ms")
                .run(context -> {
                    assertThat(context).hasSingleBean(GitHubRepairScheduler.class);
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> ledger.find(77).orElseThrow().status() == JobStatus.COMPLETED);
                });
    }

    @Test
    void aLeaderWithATokenRedeliversTheConfiguredOrganisationHooksFailures() {
        String hook = GitHubWireMock.orgHook("acme", 7);
        github.stubDeliveries(
                hook,
                null,
                List.of(new DeliveryFixture(
                        5, "guid-5", Instant.now().minusSeconds(300), false, 502, "workflow_job", "queued")),
                null);
        github.stubRedeliver(hook, 5);

        runner.withBean(Leadership.class, () -> () -> true)
                .withPropertyValues(
                        "runnerscale.github.token=ghp_abc",
                        "runnerscale.github.api-url=" + github.baseUrl(),
                        "runnerscale.github.redelivery.interval=100ms",
                        "runnerscale.github.redelivery.hooks[0].owner=acme",
                        "runnerscale.github.redelivery.hooks[0].id=7")
                .run(context -> {
                    assertThat(context).hasSingleBean(GitHubRepairScheduler.class);
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> github.requestCount(hook + "/deliveries/5/attempts") == 1);
                });
    }

    @Test
    void withATokenAndNoHooksNothingIsScannedForDeliveries(CapturedOutput output) {
        runner.withBean(Leadership.class, () -> () -> true)
                .withPropertyValues(
                        "runnerscale.github.token=ghp_abc",
                        "runnerscale.github.api-url=" + github.baseUrl(),
                        "runnerscale.github.redelivery.interval=100ms")
                .run(context -> assertThat(context).hasSingleBean(GitHubRepairScheduler.class));

        assertThat(output.getOut()).contains("Webhook redelivery is off");
        assertThat(github.requestCount()).isZero();
    }

    @Test
    void aDryRunSchedulesNothing() {
        runner.withBean(Leadership.class, () -> () -> true)
                .run(context -> assertThat(context).doesNotHaveBean(GitHubRepairScheduler.class));
    }
}
