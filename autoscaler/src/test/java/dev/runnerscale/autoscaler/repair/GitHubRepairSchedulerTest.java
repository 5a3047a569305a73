package dev.runnerscale.autoscaler.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runnerscale.autoscaler.github.GitHubClients;
import dev.runnerscale.autoscaler.github.GitHubHookDeliveries;
import dev.runnerscale.autoscaler.jobs.JobStatus;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock.DeliveryFixture;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock.JobFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Repair and redelivery run in the background, and only while this replica leads. */
class GitHubRepairSchedulerTest {

    @RegisterExtension
    static final GitHubWireMock github = new GitHubWireMock();

    static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");

    GitHubRepairScheduler scheduler;

    @AfterEach
    void stop() {
        if (scheduler != null) {
            scheduler.stop();
        }
    }

    @Test
    void repairsAndRedeliversOnlyWhileLeading() {
        GitHubClients clients = GitHubClients.withApp(
                github.baseUrl(), 123, GitHubClients.pkcs8Pem(GitHubClients.rsaKeyPair()), 42, T0);
        InMemoryJobLedger ledger = new InMemoryJobLedger();
        Instant queued = T0.minus(Duration.ofMinutes(10));
        ledger.record(RepairObservations.queued(1, 10, "octo-org", "octo-repo", List.of("linux"), "d-1", queued));
        github.stubInstallationToken(42, "ghs_x", T0.plus(Duration.ofHours(1)));
        github.stubJob("octo-org", "octo-repo", JobFixture.completed(1, queued, T0, List.of("linux")));
        github.stubDeliveries(
                null,
                List.of(new DeliveryFixture(7, "guid-7", T0.minusSeconds(600), false, 500, "workflow_job", "queued")),
                null);
        github.stubRedeliver(7);
        AtomicBoolean leading = new AtomicBoolean(false);
        AtomicInteger leadershipChecks = new AtomicInteger();
        scheduler = new GitHubRepairScheduler(
                () -> {
                    leadershipChecks.incrementAndGet();
                    return leading.get();
                },
                Optional.of(new MissedEventRepair(
                        ledger, clients.jobs(), clients.properties.repair(), clients.clock, clients.registry)),
                Duration.ofMillis(100),
                Optional.of(new WebhookRedelivery(
                        clients.deliveries(),
                        List.of(new GitHubHookDeliveries.AppHook()),
                        clients.properties.redelivery(),
                        clients.clock,
                        clients.registry)),
                Duration.ofMillis(100));

        scheduler.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> leadershipChecks.get() >= 6);
        assertThat(github.requestCount()).isZero();

        leading.set(true);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(ledger.find(1).orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(github.requestCount("/app/hook/deliveries/7/attempts")).isEqualTo(1);
        });
        assertThat(scheduler.isRunning()).isTrue();
    }
}
