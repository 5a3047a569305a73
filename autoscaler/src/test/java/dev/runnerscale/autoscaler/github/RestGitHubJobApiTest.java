package dev.runnerscale.autoscaler.github;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.jobs.JobObservation;
import dev.runnerscale.autoscaler.jobs.JobStatus;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock.JobFixture;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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

    @Test
    void aJobGitHubDoesNotKnowIsEmpty() {
        GitHubClients clients = GitHubClients.withToken(github.baseUrl(), Map.of());
        github.stubJobUnknown("octo-org", "octo-repo", 6);

        assertThat(clients.jobs().fetchJob("octo-org", "octo-repo", 6)).isEmpty();
        assertThat(clients.metrics.count(GitHubOperation.GET_JOB, GitHubOutcome.NOT_FOUND))
                .isEqualTo(1);
    }
}
