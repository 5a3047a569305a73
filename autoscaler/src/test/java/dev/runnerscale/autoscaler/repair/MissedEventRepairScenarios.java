package dev.runnerscale.autoscaler.repair;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.github.GitHubClients;
import dev.runnerscale.autoscaler.jobs.JobLedger;
import dev.runnerscale.autoscaler.jobs.JobObservation;
import dev.runnerscale.autoscaler.jobs.JobStatus;
import dev.runnerscale.autoscaler.jobs.LedgerJob;
import dev.runnerscale.autoscaler.repair.MissedEventRepair.RepairPass;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock.JobFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Missed-event repair against a fake GitHub, for any {@link JobLedger}: subclasses provide the ledger (the
 * in-memory fake now, the JDBC ledger on embedded PostgreSQL once it lands) and a way to record a delivery.
 */
abstract class MissedEventRepairScenarios {

    @RegisterExtension
    static final GitHubWireMock github = new GitHubWireMock();

    static final String OWNER = "octo-org";
    static final String REPO = "octo-repo";
    static final List<String> LABELS = List.of("self-hosted", "linux");
    static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");

    /** A fresh, empty ledger for one test. */
    abstract JobLedger newLedger();

    /** Accepts a {@code workflow_job} delivery into the ledger, as the webhook path does. */
    abstract void deliver(JobLedger ledger, JobObservation delivery);

    JobLedger ledger;
    GitHubClients clients;
    MissedEventRepair repair;

    void setUpWith(Map<String, String> settings) {
        ledger = newLedger();
        clients = GitHubClients.withToken(github.baseUrl(), settings, T0);
        repair = new MissedEventRepair(
                ledger, clients.jobs(), clients.properties.repair(), clients.clock, clients.registry);
    }

    void queuedDelivery(long jobId, Instant at) {
        deliver(
                ledger,
                new JobObservation(
                        jobId,
                        jobId * 10,
                        1,
                        OWNER,
                        REPO,
                        "CI",
                        "build",
                        LABELS,
                        JobStatus.QUEUED,
                        null,
                        at,
                        null,
                        null,
                        null,
                        null,
                        "delivery-" + jobId,
                        at));
    }

    LedgerJob job(long id) {
        return ledger.find(id).orElseThrow();
    }

    String jobPath(long id) {
        return "/repos/" + OWNER + "/" + REPO + "/actions/jobs/" + id;
    }

    @Nested
    class WhenGitHubAnswers {

        @Test
        void aMissedCompletedIsRepairedByTheGitHubCheck() {
            setUpWith(Map.of());
            queuedDelivery(1, T0.minus(Duration.ofMinutes(10)));
            github.stubJob(OWNER, REPO, JobFixture.completed(1, T0.minus(Duration.ofMinutes(10)), T0, LABELS));

            RepairPass pass = repair.repairOnce();

            assertThat(pass.corrected()).isEqualTo(1);
            assertThat(pass.interruptedBy()).isEmpty();
            LedgerJob after = job(1);
            assertThat(after.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(after.conclusion()).isEqualTo("success");
            assertThat(after.runnerId()).isEqualTo(7L);
            assertThat(clients.registry
                            .get("runnerscale.ledger.repairs")
                            .tag("outcome", "corrected")
                            .counter()
                            .count())
                    .isEqualTo(1);
        }

        @Test
        void aJobGitHubDoesNotKnowExpires() {
            setUpWith(Map.of());
            queuedDelivery(2, T0.minus(Duration.ofMinutes(10)));
            github.stubJobUnknown(OWNER, REPO, 2);

            RepairPass pass = repair.repairOnce();

            assertThat(pass.expired()).isEqualTo(1);
            assertThat(job(2).status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(job(2).conclusion()).isEqualTo("expired");
        }

        @Test
        void aJobQueuedBeyondGitHubsDayExpiresWithoutAskingGitHub() {
            setUpWith(Map.of());
            queuedDelivery(3, T0.minus(Duration.ofHours(25)));

            RepairPass pass = repair.repairOnce();

            assertThat(pass.expired()).isEqualTo(1);
            assertThat(job(3).conclusion()).isEqualTo("expired");
            assertThat(github.requestCount()).isZero();
        }

        @Test
        void jobsThatChangedRecentlyAreNotChecked() {
            setUpWith(Map.of());
            queuedDelivery(4, T0.minus(Duration.ofMinutes(1)));

            assertThat(repair.repairOnce().checked()).isZero();
            assertThat(github.requestCount()).isZero();
        }

        @Test
        void aJobStillQueuedAtGitHubIsNotAskedAgainWithinTheThreshold() {
            setUpWith(Map.of());
            queuedDelivery(5, T0.minus(Duration.ofMinutes(10)));
            github.stubJob(OWNER, REPO, JobFixture.queued(5, T0.minus(Duration.ofMinutes(10)), LABELS));

            assertThat(repair.repairOnce().unchanged()).isEqualTo(1);
            clients.clock.advance(Duration.ofMinutes(1));
            repair.repairOnce();
            assertThat(github.requestCount(jobPath(5))).isEqualTo(1);

            clients.clock.advance(Duration.ofMinutes(5));
            repair.repairOnce();
            assertThat(github.requestCount(jobPath(5))).isEqualTo(2);
            assertThat(job(5).status()).isEqualTo(JobStatus.QUEUED);
        }

        @Test
        void aPassChecksAtMostItsBatch() {
            setUpWith(Map.of("runnerscale.github.repair.batch-size", "2"));
            for (long id = 10; id < 13; id++) {
                queuedDelivery(id, T0.minus(Duration.ofMinutes(30 - id)));
                github.stubJob(OWNER, REPO, JobFixture.completed(id, T0.minus(Duration.ofMinutes(30)), T0, LABELS));
            }

            assertThat(repair.repairOnce().checked()).isEqualTo(2);
            assertThat(github.requestCount()).isEqualTo(2);
            assertThat(job(10).status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(job(12).status()).isEqualTo(JobStatus.QUEUED);

            repair.repairOnce();
            assertThat(job(12).status()).isEqualTo(JobStatus.COMPLETED);
        }
    }

    @Nested
    class WhenGitHubFails {

        @Test
        void aServerErrorStopsThePassAndTheNextPassConverges() {
            setUpWith(Map.of());
            queuedDelivery(20, T0.minus(Duration.ofMinutes(20)));
            queuedDelivery(21, T0.minus(Duration.ofMinutes(10)));
            github.stub(get(urlPathEqualTo(jobPath(20))).willReturn(GitHubWireMock.serverError(502)));

            RepairPass failed = repair.repairOnce();

            assertThat(failed.interruptedBy()).isPresent();
            assertThat(github.requestCount()).isEqualTo(1);
            assertThat(job(20).status()).isEqualTo(JobStatus.QUEUED);

            github.server().resetMappings();
            github.stubJob(OWNER, REPO, JobFixture.completed(20, T0.minus(Duration.ofMinutes(20)), T0, LABELS));
            github.stubJob(OWNER, REPO, JobFixture.completed(21, T0.minus(Duration.ofMinutes(10)), T0, LABELS));
            clients.clock.advance(Duration.ofMinutes(1));

            assertThat(repair.repairOnce().corrected()).isEqualTo(2);
            assertThat(job(20).status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(job(21).status()).isEqualTo(JobStatus.COMPLETED);
        }

        @Test
        void aRateLimitStopsThePassAndNoCallGoesOutBeforeRetryAt() {
            setUpWith(Map.of());
            queuedDelivery(30, T0.minus(Duration.ofMinutes(20)));
            github.stub(get(urlPathEqualTo(jobPath(30))).willReturn(GitHubWireMock.tooManyRequests(120)));

            assertThat(repair.repairOnce().interruptedBy())
                    .hasValueSatisfying(why -> assertThat(why).contains("rate"));
            github.server().resetMappings();
            github.stubJob(OWNER, REPO, JobFixture.completed(30, T0.minus(Duration.ofMinutes(20)), T0, LABELS));

            clients.clock.advance(Duration.ofSeconds(119));
            assertThat(repair.repairOnce().interruptedBy()).isPresent();
            assertThat(github.requestCount(jobPath(30))).isEqualTo(1);

            clients.clock.advance(Duration.ofSeconds(1));
            assertThat(repair.repairOnce().corrected()).isEqualTo(1);
            assertThat(github.requestCount(jobPath(30))).isEqualTo(2);
        }

        @Test
        void anOpenCircuitSendsNothingUntilItHalfOpens() {
            setUpWith(Map.of(
                    "runnerscale.github.circuit-breaker.minimum-number-of-calls", "2",
                    "runnerscale.github.circuit-breaker.sliding-window-size", "2",
                    "runnerscale.github.circuit-breaker.wait-in-open-state", "10m"));
            queuedDelivery(40, T0.minus(Duration.ofMinutes(20)));
            github.stub(get(urlPathEqualTo(jobPath(40))).willReturn(GitHubWireMock.serverError(500)));
            repair.repairOnce();
            repair.repairOnce();

            RepairPass refused = repair.repairOnce();

            assertThat(refused.interruptedBy())
                    .hasValueSatisfying(why -> assertThat(why).contains("circuit breaker is open"));
            assertThat(github.requestCount()).isEqualTo(2);
            assertThat(job(40).status()).isEqualTo(JobStatus.QUEUED);
        }

        @Test
        void aTimeoutStopsThePassAndLeavesTheLedgerAsItWas() {
            setUpWith(Map.of("runnerscale.github.read-timeout", "200ms"));
            queuedDelivery(50, T0.minus(Duration.ofMinutes(20)));
            github.stub(get(urlPathEqualTo(jobPath(50)))
                    .willReturn(GitHubWireMock.json(
                                    200,
                                    JobFixture.completed(50, T0.minus(Duration.ofMinutes(20)), T0, LABELS)
                                            .toJson(OWNER, REPO))
                            .withFixedDelay(1000)));

            assertThat(repair.repairOnce().interruptedBy()).isPresent();
            assertThat(job(50).status()).isEqualTo(JobStatus.QUEUED);
        }
    }
}
