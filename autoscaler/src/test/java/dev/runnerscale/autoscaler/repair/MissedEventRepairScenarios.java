package dev.runnerscale.autoscaler.repair;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.github.GitHubClients;
import dev.runnerscale.autoscaler.jobs.JobLedger;
import dev.runnerscale.autoscaler.jobs.JobObservation;
import dev.runnerscale.autoscaler.jobs.JobStatus;
import dev.runnerscale.autoscaler.jobs.LedgerJob;
import dev.runnerscale.autoscaler.repair.MissedEventRepair.RepairPass;
import dev.runnerscale.autoscaler.testsupport.AutoscalerTestBase;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock.JobFixture;
import dev.runnerscale.autoscaler.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Missed-event repair against a fake GitHub, for any {@link JobLedger}: subclasses provide the ledger (the
 * in-memory fake, and the JDBC ledger on the shared embedded PostgreSQL) and a way to record a delivery. Both run
 * in the shared, cached application context; job ids are fresh per test because the database is shared.
 */
abstract class MissedEventRepairScenarios extends AutoscalerTestBase {

    @RegisterExtension
    static final GitHubWireMock github = new GitHubWireMock();

    static final String OWNER = "octo-org";
    static final String REPO = "octo-repo";
    static final List<String> LABELS = List.of("self-hosted", "linux", "x64");
    /**
     * Every test's "now" lies far before any row other tests leave in the shared database, and each test's is
     * earlier than the previous one's, so that a pass only ever sees the jobs of its own test (left-over queued
     * jobs of earlier tests are always newer than the cutoff).
     */
    private static final Instant EPOCH = Instant.parse("2001-01-01T00:00:00Z");

    private static final String APP_KEY = GitHubClients.pkcs8Pem(GitHubClients.rsaKeyPair());

    private static final AtomicInteger TESTS = new AtomicInteger();

    /** A fresh, empty ledger for one test. */
    abstract JobLedger newLedger();

    /** Accepts a {@code workflow_job} delivery into the ledger, as the webhook path does. */
    abstract void deliver(JobLedger ledger, JobObservation delivery);

    /** The stuck-demand detector flags the queued job at {@code at}. */
    abstract void flagStuck(JobLedger ledger, long jobId, Instant at);

    JobLedger ledger;
    GitHubClients clients;
    MissedEventRepair repair;

    Instant t0;

    void setUpWith(Map<String, String> settings) {
        t0 = EPOCH.minus(Duration.ofDays(10L * TESTS.incrementAndGet()));
        ledger = newLedger();
        clients = GitHubClients.withToken(github.baseUrl(), settings, t0);
        repair = new MissedEventRepair(
                ledger, clients.jobs(), clients.properties.repair(), clients.clock, clients.registry);
    }

    void queuedDelivery(long jobId, Instant at) {
        deliver(ledger, RepairObservations.queued(jobId, jobId * 10, OWNER, REPO, LABELS, "delivery-" + jobId, at));
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
            long job1 = nextJobId();
            setUpWith(Map.of());
            queuedDelivery(job1, t0.minus(Duration.ofMinutes(10)));
            github.stubJob(OWNER, REPO, JobFixture.completed(job1, t0.minus(Duration.ofMinutes(10)), t0, LABELS));

            RepairPass pass = repair.repairOnce();

            assertThat(pass.corrected()).isEqualTo(1);
            assertThat(pass.interruptedBy()).isEmpty();
            LedgerJob after = job(job1);
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
            long job2 = nextJobId();
            setUpWith(Map.of());
            queuedDelivery(job2, t0.minus(Duration.ofMinutes(10)));
            github.stubJobUnknown(OWNER, REPO, job2);

            RepairPass pass = repair.repairOnce();

            assertThat(pass.expired()).isEqualTo(1);
            assertThat(job(job2).status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(job(job2).conclusion()).isEqualTo("expired");
        }

        @Test
        void aJobQueuedBeyondGitHubsDayExpiresWithoutAskingGitHub() {
            long job3 = nextJobId();
            setUpWith(Map.of());
            queuedDelivery(job3, t0.minus(Duration.ofHours(25)));

            RepairPass pass = repair.repairOnce();

            assertThat(pass.expired()).isEqualTo(1);
            assertThat(job(job3).conclusion()).isEqualTo("expired");
            assertThat(github.requestCount()).isZero();
        }

        @Test
        void jobsThatChangedRecentlyAreNotChecked() {
            long job4 = nextJobId();
            setUpWith(Map.of());
            queuedDelivery(job4, t0.minus(Duration.ofMinutes(1)));

            assertThat(repair.repairOnce().checked()).isZero();
            assertThat(github.requestCount()).isZero();
        }

        @Test
        void aJobStillQueuedAtGitHubIsNotAskedAgainWithinTheThreshold() {
            long job5 = nextJobId();
            setUpWith(Map.of());
            queuedDelivery(job5, t0.minus(Duration.ofMinutes(10)));
            github.stubJob(OWNER, REPO, JobFixture.queued(job5, t0.minus(Duration.ofMinutes(10)), LABELS));

            assertThat(repair.repairOnce().unchanged()).isEqualTo(1);
            clients.clock.advance(Duration.ofMinutes(1));
            repair.repairOnce();
            assertThat(github.requestCount(jobPath(job5))).isEqualTo(1);

            clients.clock.advance(Duration.ofMinutes(5));
            repair.repairOnce();
            assertThat(github.requestCount(jobPath(job5))).isEqualTo(2);
            assertThat(job(job5).status()).isEqualTo(JobStatus.QUEUED);
        }

        @Test
        void aPassChecksAtMostItsBatch() {
            setUpWith(Map.of("runnerscale.github.repair.batch-size", "2"));
            long[] ids = {nextJobId(), nextJobId(), nextJobId()};
            for (int i = 0; i < ids.length; i++) {
                queuedDelivery(ids[i], t0.minus(Duration.ofMinutes(20 - i))); // oldest first: ids[0]
                github.stubJob(OWNER, REPO, JobFixture.completed(ids[i], t0.minus(Duration.ofMinutes(30)), t0, LABELS));
            }

            assertThat(repair.repairOnce().checked()).isEqualTo(2);
            assertThat(github.requestCount()).isEqualTo(2);
            assertThat(job(ids[0]).status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(job(ids[2]).status()).isEqualTo(JobStatus.QUEUED);

            repair.repairOnce();
            assertThat(job(ids[2]).status()).isEqualTo(JobStatus.COMPLETED);
        }

        @Test
        void aJobTheStuckDemandDetectorFlaggedIsCheckedFirstWhateverItsAge() {
            setUpWith(Map.of("runnerscale.github.repair.batch-size", "1"));
            long old = nextJobId();
            long stuck = nextJobId();
            queuedDelivery(old, t0.minus(Duration.ofMinutes(30)));
            queuedDelivery(stuck, t0.minus(Duration.ofMinutes(6)));
            github.stubJob(OWNER, REPO, JobFixture.completed(old, t0.minus(Duration.ofMinutes(30)), t0, LABELS));
            github.stubJob(OWNER, REPO, JobFixture.queued(stuck, t0.minus(Duration.ofMinutes(6)), LABELS));
            flagStuck(ledger, stuck, t0.minus(Duration.ofSeconds(30)));

            RepairPass pass = repair.repairOnce();

            assertThat(pass.checked()).isEqualTo(1);
            assertThat(pass.unchanged()).isEqualTo(1); // queued on GitHub too: the wait is real
            assertThat(github.requestCount(jobPath(stuck))).isEqualTo(1);
            assertThat(github.requestCount(jobPath(old))).isZero();

            // checked once within the threshold, like every job: the next pass goes on with the others
            repair.repairOnce();
            assertThat(github.requestCount(jobPath(stuck))).isEqualTo(1);
            assertThat(job(old).status()).isEqualTo(JobStatus.COMPLETED);
        }
    }

    @Nested
    class WhenGitHubFails {

        @Test
        void aServerErrorStopsThePassAndTheNextPassConverges() {
            long job20 = nextJobId();
            long job21 = nextJobId();
            setUpWith(Map.of());
            queuedDelivery(job20, t0.minus(Duration.ofMinutes(20)));
            queuedDelivery(job21, t0.minus(Duration.ofMinutes(10)));
            github.stub(get(urlPathEqualTo(jobPath(job20))).willReturn(GitHubWireMock.serverError(502)));

            RepairPass failed = repair.repairOnce();

            assertThat(failed.interruptedBy()).isPresent();
            assertThat(github.requestCount()).isEqualTo(1);
            assertThat(job(job20).status()).isEqualTo(JobStatus.QUEUED);

            github.server().resetMappings();
            github.stubJob(OWNER, REPO, JobFixture.completed(job20, t0.minus(Duration.ofMinutes(20)), t0, LABELS));
            github.stubJob(OWNER, REPO, JobFixture.completed(job21, t0.minus(Duration.ofMinutes(10)), t0, LABELS));
            clients.clock.advance(Duration.ofMinutes(1));

            assertThat(repair.repairOnce().corrected()).isEqualTo(2);
            assertThat(job(job20).status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(job(job21).status()).isEqualTo(JobStatus.COMPLETED);
        }

        @Test
        void aRateLimitHoldsTheCredentialsJobsAndNoCallGoesOutBeforeRetryAt() {
            long job30 = nextJobId();
            long job31 = nextJobId();
            setUpWith(Map.of());
            queuedDelivery(job30, t0.minus(Duration.ofMinutes(20)));
            queuedDelivery(job31, t0.minus(Duration.ofMinutes(10)));
            github.stub(get(urlPathEqualTo(jobPath(job30))).willReturn(GitHubWireMock.tooManyRequests(120)));

            RepairPass limited = repair.repairOnce();
            // One token serves both jobs: the second is held without a call.
            assertThat(limited.held()).isEqualTo(2);
            assertThat(limited.checked()).isZero();
            assertThat(github.requestCount()).isEqualTo(1);
            github.server().resetMappings();
            github.stubJob(OWNER, REPO, JobFixture.completed(job30, t0.minus(Duration.ofMinutes(20)), t0, LABELS));
            github.stubJob(OWNER, REPO, JobFixture.completed(job31, t0.minus(Duration.ofMinutes(10)), t0, LABELS));

            clients.clock.advance(Duration.ofSeconds(119));
            assertThat(repair.repairOnce().held()).isEqualTo(2);
            assertThat(github.requestCount()).isEqualTo(1);

            clients.clock.advance(Duration.ofSeconds(1));
            assertThat(repair.repairOnce().corrected()).isEqualTo(2);
            assertThat(github.requestCount(jobPath(job30))).isEqualTo(2);
            assertThat(job(job31).status()).isEqualTo(JobStatus.COMPLETED);
        }

        @Test
        void anOpenCircuitSendsNothingUntilItHalfOpens() {
            long job40 = nextJobId();
            setUpWith(Map.of(
                    "runnerscale.github.circuit-breaker.minimum-number-of-calls", "2",
                    "runnerscale.github.circuit-breaker.sliding-window-size", "2",
                    "runnerscale.github.circuit-breaker.wait-in-open-state", "10m"));
            queuedDelivery(job40, t0.minus(Duration.ofMinutes(20)));
            github.stub(get(urlPathEqualTo(jobPath(job40))).willReturn(GitHubWireMock.serverError(500)));
            repair.repairOnce();
            repair.repairOnce();

            RepairPass refused = repair.repairOnce();

            assertThat(refused.held()).isEqualTo(1);
            assertThat(refused.checked()).isZero();
            assertThat(github.requestCount()).isEqualTo(2);
            assertThat(job(job40).status()).isEqualTo(JobStatus.QUEUED);
        }

        @Test
        void aTimeoutStopsThePassAndLeavesTheLedgerAsItWas() {
            long job50 = nextJobId();
            setUpWith(Map.of("runnerscale.github.read-timeout", "200ms"));
            queuedDelivery(job50, t0.minus(Duration.ofMinutes(20)));
            github.stub(get(urlPathEqualTo(jobPath(job50)))
                    .willReturn(GitHubWireMock.json(
                                    200,
                                    JobFixture.completed(job50, t0.minus(Duration.ofMinutes(20)), t0, LABELS)
                                            .toJson(OWNER, REPO))
                            .withFixedDelay(1000)));

            assertThat(repair.repairOnce().interruptedBy()).isPresent();
            assertThat(job(job50).status()).isEqualTo(JobStatus.QUEUED);
        }
    }

    @Nested
    class WhenGitHubRefusesAJob {

        @Test
        void theRefusedJobIsSetAsideAndThePassGoesOnWithTheNext() {
            long refused = nextJobId();
            long next = nextJobId();
            setUpWith(Map.of());
            queuedDelivery(refused, t0.minus(Duration.ofMinutes(20)));
            queuedDelivery(next, t0.minus(Duration.ofMinutes(10)));
            github.stub(get(urlPathEqualTo(jobPath(refused))).willReturn(GitHubWireMock.missingPermission()));
            github.stubJob(OWNER, REPO, JobFixture.completed(next, t0.minus(Duration.ofMinutes(10)), t0, LABELS));

            RepairPass pass = repair.repairOnce();

            assertThat(pass.interruptedBy()).isEmpty();
            assertThat(pass.rejected()).isEqualTo(1);
            assertThat(pass.corrected()).isEqualTo(1);
            assertThat(job(refused).status()).isEqualTo(JobStatus.QUEUED);
            assertThat(job(next).status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(clients.registry
                            .get("runnerscale.ledger.repairs")
                            .tag("outcome", "rejected")
                            .counter()
                            .count())
                    .isEqualTo(1);
        }

        @Test
        void aRefusedJobNoLongerComesFirstInEveryPass() {
            setUpWith(Map.of("runnerscale.github.repair.batch-size", "1"));
            long refused = nextJobId();
            long next = nextJobId();
            queuedDelivery(refused, t0.minus(Duration.ofMinutes(20)));
            queuedDelivery(next, t0.minus(Duration.ofMinutes(10)));
            github.stub(get(urlPathEqualTo(jobPath(refused)))
                    .willReturn(GitHubWireMock.json(401, Map.of("message", "Bad credentials"))));
            github.stubJob(OWNER, REPO, JobFixture.completed(next, t0.minus(Duration.ofMinutes(10)), t0, LABELS));

            assertThat(repair.repairOnce().rejected()).isEqualTo(1);
            clients.clock.advance(Duration.ofMinutes(1));
            RepairPass second = repair.repairOnce();

            assertThat(second.corrected()).isEqualTo(1);
            assertThat(github.requestCount(jobPath(refused))).isEqualTo(1);
            assertThat(job(next).status()).isEqualTo(JobStatus.COMPLETED);
        }

        @Test
        void aRefusedJobIsCheckedAgainAfterTheRejectedRetry() {
            long refused = nextJobId();
            setUpWith(Map.of("runnerscale.github.repair.rejected-retry", "10m"));
            queuedDelivery(refused, t0.minus(Duration.ofMinutes(20)));
            github.stub(get(urlPathEqualTo(jobPath(refused))).willReturn(GitHubWireMock.missingPermission()));
            repair.repairOnce();

            clients.clock.advance(Duration.ofMinutes(9));
            repair.repairOnce();
            assertThat(github.requestCount(jobPath(refused))).isEqualTo(1);

            github.server().resetMappings();
            github.stubJob(OWNER, REPO, JobFixture.completed(refused, t0.minus(Duration.ofMinutes(20)), t0, LABELS));
            clients.clock.advance(Duration.ofMinutes(1));
            assertThat(repair.repairOnce().corrected()).isEqualTo(1);
            assertThat(github.requestCount(jobPath(refused))).isEqualTo(2);
        }
    }

    /** A GitHub App installed on two organisations: each job is checked with its own owner's installation. */
    @Nested
    class AcrossOrganisations {

        static final String OTHER = "globex";
        static final String OTHER_REPO = "web";

        void setUpWithApp() {
            t0 = EPOCH.minus(Duration.ofDays(10L * TESTS.incrementAndGet()));
            ledger = newLedger();
            clients = GitHubClients.withAppLookingUpInstallations(
                    github.baseUrl(), 123, APP_KEY, Map.of(), new MutableClock(t0));
            repair = new MissedEventRepair(
                    ledger, clients.jobs(), clients.properties.repair(), clients.clock, clients.registry);
            github.stubRepoInstallation(OWNER, REPO, 7);
            github.stubRepoInstallation(OTHER, OTHER_REPO, 8);
            github.stubInstallationToken(7, "ghs_seven", t0.plus(Duration.ofHours(1)));
            github.stubInstallationToken(8, "ghs_eight", t0.plus(Duration.ofHours(1)));
        }

        void queuedElsewhere(long jobId, Instant at) {
            deliver(
                    ledger,
                    RepairObservations.queued(jobId, jobId * 10, OTHER, OTHER_REPO, LABELS, "delivery-" + jobId, at));
        }

        String otherJobPath(long id) {
            return "/repos/" + OTHER + "/" + OTHER_REPO + "/actions/jobs/" + id;
        }

        @Test
        void eachJobIsCheckedWithItsOwnersInstallation() {
            long ours = nextJobId();
            long theirs = nextJobId();
            setUpWithApp();
            queuedDelivery(ours, t0.minus(Duration.ofMinutes(20)));
            queuedElsewhere(theirs, t0.minus(Duration.ofMinutes(10)));
            github.stubJob(OWNER, REPO, JobFixture.completed(ours, t0.minus(Duration.ofMinutes(20)), t0, LABELS));
            github.stubJob(
                    OTHER, OTHER_REPO, JobFixture.completed(theirs, t0.minus(Duration.ofMinutes(10)), t0, LABELS));

            assertThat(repair.repairOnce().corrected()).isEqualTo(2);

            github.server()
                    .verify(getRequestedFor(urlPathEqualTo(jobPath(ours)))
                            .withHeader("Authorization", equalTo("Bearer ghs_seven")));
            github.server()
                    .verify(getRequestedFor(urlPathEqualTo(otherJobPath(theirs)))
                            .withHeader("Authorization", equalTo("Bearer ghs_eight")));
        }

        @Test
        void aRateLimitOfOneOrganisationsInstallationHoldsOnlyItsJobs() {
            long limited = nextJobId();
            long sameOrganisation = nextJobId();
            long otherOrganisation = nextJobId();
            setUpWithApp();
            queuedDelivery(limited, t0.minus(Duration.ofMinutes(20)));
            queuedDelivery(sameOrganisation, t0.minus(Duration.ofMinutes(15)));
            queuedElsewhere(otherOrganisation, t0.minus(Duration.ofMinutes(10)));
            github.stub(get(urlPathEqualTo(jobPath(limited))).willReturn(GitHubWireMock.tooManyRequests(120)));
            github.stubJob(
                    OWNER, REPO, JobFixture.completed(sameOrganisation, t0.minus(Duration.ofMinutes(15)), t0, LABELS));
            github.stubJob(
                    OTHER,
                    OTHER_REPO,
                    JobFixture.completed(otherOrganisation, t0.minus(Duration.ofMinutes(10)), t0, LABELS));

            RepairPass pass = repair.repairOnce();

            assertThat(pass.interruptedBy()).isEmpty();
            assertThat(pass.held()).isEqualTo(2);
            assertThat(pass.corrected()).isEqualTo(1);
            assertThat(github.requestCount(jobPath(sameOrganisation))).isZero();
            assertThat(job(otherOrganisation).status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(job(sameOrganisation).status()).isEqualTo(JobStatus.QUEUED);
        }

        @Test
        void aJobOfAnOwnerWithoutTheAppIsSetAsideAndTheOthersAreChecked() {
            long stranger = nextJobId();
            long ours = nextJobId();
            setUpWithApp();
            deliver(
                    ledger,
                    RepairObservations.queued(
                            stranger,
                            stranger * 10,
                            "stranger",
                            "tools",
                            LABELS,
                            "d-" + stranger,
                            t0.minus(Duration.ofMinutes(20))));
            queuedDelivery(ours, t0.minus(Duration.ofMinutes(10)));
            github.stubNotInstalled("/repos/stranger/tools");
            github.stubJob(OWNER, REPO, JobFixture.completed(ours, t0.minus(Duration.ofMinutes(10)), t0, LABELS));

            RepairPass pass = repair.repairOnce();

            assertThat(pass.rejected()).isEqualTo(1);
            assertThat(pass.corrected()).isEqualTo(1);
            assertThat(job(stranger).status()).isEqualTo(JobStatus.QUEUED);
            assertThat(github.requestCount("/repos/stranger/tools/actions/jobs/" + stranger))
                    .isZero();
        }
    }
}
