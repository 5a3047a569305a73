package dev.runnerscale.autoscaler.github;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnerscale.autoscaler.github.GitHubJobApi.RerunOutcome;
import dev.runnerscale.autoscaler.jobs.JobObservation;
import dev.runnerscale.autoscaler.jobs.JobStatus;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock.JobFixture;
import dev.runnerscale.autoscaler.testsupport.MutableClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RestGitHubJobApiTest {

    @RegisterExtension
    static final GitHubWireMock github = new GitHubWireMock();

    static final Instant CREATED = Instant.parse("2026-11-21T23:00:00Z");

    @Test
    void mapsACompletedJobWithItsRunner() {
        GitHubClients clients = GitHubClients.withToken(github.baseUrl(), Map.of());
        Instant completed = CREATED.plusSeconds(300);
        github.stubJob("octo-org", "octo-repo", JobFixture.completed(399444496, CREATED, completed, List.of("gpu")));

        JobObservation job =
                clients.jobs().fetchJob("octo-org", "octo-repo", 399444496).orElseThrow();

        assertThat(job.jobId()).isEqualTo(399444496);
        assertThat(job.runId()).isEqualTo(3994444960L);
        assertThat(job.runAttempt()).isEqualTo(1);
        assertThat(job.owner()).isEqualTo("octo-org");
        assertThat(job.repository()).isEqualTo("octo-repo");
        assertThat(job.workflowName()).isEqualTo("CI");
        assertThat(job.jobName()).isEqualTo("build");
        assertThat(job.labels()).containsExactly("gpu");
        assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(job.conclusion()).isEqualTo("success");
        assertThat(job.createdAt()).isEqualTo(CREATED);
        assertThat(job.startedAt()).isEqualTo(CREATED.plusSeconds(5));
        assertThat(job.completedAt()).isEqualTo(completed);
        assertThat(job.runnerId()).isEqualTo(7L);
        assertThat(job.runnerName()).isEqualTo("pool-a-1");
        assertThat(job.deliveryId()).isNull();
        assertThat(job.receivedAt()).isEqualTo(clients.clock.instant());
    }

    @Test
    void aQueuedJobHasNoRunnerAndNoStartYet() {
        GitHubClients clients = GitHubClients.withToken(github.baseUrl(), Map.of());
        github.stubJob("octo-org", "octo-repo", JobFixture.queued(5, CREATED, List.of("self-hosted")));

        JobObservation job = clients.jobs().fetchJob("octo-org", "octo-repo", 5).orElseThrow();

        assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(job.runnerId()).isNull();
        assertThat(job.runnerName()).isNull();
        assertThat(job.startedAt()).isNull();
        assertThat(job.conclusion()).isNull();
    }

    @Nested
    class ReRun {

        GitHubClients clients = GitHubClients.withToken(github.baseUrl(), Map.of());

        @Test
        void isAcceptedWithAPostToTheJobsRerun() {
            github.stubRerun("octo-org", "octo-repo", 7, 201);

            assertThat(clients.jobs().rerunJob("octo-org", "octo-repo", 7)).isEqualTo(RerunOutcome.ACCEPTED);

            github.server()
                    .verify(postRequestedFor(urlPathEqualTo("/repos/octo-org/octo-repo/actions/jobs/7/rerun"))
                            .withHeader("Authorization", equalTo("token ghp_testtoken000000000000000000000000")));
            assertThat(clients.metrics.count(GitHubOperation.RERUN_JOB, GitHubOutcome.SUCCESS))
                    .isEqualTo(1);
        }

        @Test
        void aJobThatCannotBeReRunIsARejectionWithGitHubsReason() {
            github.stubRerun("octo-org", "octo-repo", 8, 403);

            assertThatThrownBy(() -> clients.jobs().rerunJob("octo-org", "octo-repo", 8))
                    .isInstanceOfSatisfying(GitHubRejectedException.class, e -> {
                        assertThat(e.status()).isEqualTo(403);
                        assertThat(e.reason().slug()).isEqualTo("forbidden");
                        assertThat(e.gitHubMessage()).contains("created over a month ago");
                    })
                    .hasMessageContaining("rerun_job")
                    .hasMessageNotContaining("ghp_testtoken");
            assertThat(clients.gate.closedUntil("token")).isEmpty();
            assertThat(clients.metrics.count(GitHubOperation.RERUN_JOB, GitHubOutcome.REJECTED))
                    .isEqualTo(1);
        }

        @Test
        void anUnknownJobIsNotFound() {
            github.stubRerun("octo-org", "octo-repo", 9, 404);

            assertThat(clients.jobs().rerunJob("octo-org", "octo-repo", 9)).isEqualTo(RerunOutcome.NOT_FOUND);
            assertThat(clients.metrics.count(GitHubOperation.RERUN_JOB, GitHubOutcome.NOT_FOUND))
                    .isEqualTo(1);
        }

        @Test
        void aRateLimitIsAWaitOfTheCredentialNotARejection() {
            github.stub(post(urlPathEqualTo("/repos/octo-org/octo-repo/actions/jobs/10/rerun"))
                    .willReturn(GitHubWireMock.tooManyRequests(30)));

            assertThatThrownBy(() -> clients.jobs().rerunJob("octo-org", "octo-repo", 10))
                    .isInstanceOfSatisfying(
                            GitHubRateLimitedException.class,
                            e -> assertThat(e.credential()).contains("token"));
            assertThat(clients.jobs().heldUntil("octo-org", "octo-repo")).isPresent();
            assertThat(clients.jobs().heldUntil("other-org", "x")).isPresent(); // one token serves every owner
        }

        @Test
        void aServerErrorIsAnOutage() {
            github.stub(post(urlPathEqualTo("/repos/octo-org/octo-repo/actions/jobs/11/rerun"))
                    .willReturn(GitHubWireMock.serverError(502)));

            assertThatThrownBy(() -> clients.jobs().rerunJob("octo-org", "octo-repo", 11))
                    .isExactlyInstanceOf(GitHubUnavailableException.class);
        }

        @Test
        void withAnAppUsesTheInstallationOfTheJobsOwner() {
            GitHubClients app = GitHubClients.withAppLookingUpInstallations(
                    github.baseUrl(),
                    1,
                    GitHubClients.pkcs8Pem(GitHubClients.rsaKeyPair()),
                    Map.of(),
                    new MutableClock(CREATED));
            github.stubRepoInstallation("globex", "web", 5);
            github.stubInstallationToken(5, "ghs_five", CREATED.plusSeconds(3600));
            github.stubRerun("globex", "web", 12, 201);

            assertThat(app.jobs().heldUntil("globex", "web")).isEmpty();
            assertThat(app.jobs().rerunJob("globex", "web", 12)).isEqualTo(RerunOutcome.ACCEPTED);

            github.server()
                    .verify(postRequestedFor(urlPathEqualTo("/repos/globex/web/actions/jobs/12/rerun"))
                            .withHeader("Authorization", equalTo("Bearer ghs_five")));
        }
    }

    @Test
    void aJobGitHubDoesNotKnowIsEmpty() {
        GitHubClients clients = GitHubClients.withToken(github.baseUrl(), Map.of());
        github.stubJobUnknown("octo-org", "octo-repo", 6);

        assertThat(clients.jobs().fetchJob("octo-org", "octo-repo", 6)).isEmpty();
        assertThat(clients.metrics.count(GitHubOperation.GET_JOB, GitHubOutcome.NOT_FOUND))
                .isEqualTo(1);
    }
}
