package dev.runnerscale.autoscaler.github;

import dev.runnerscale.autoscaler.github.GitHubHttp.GitHubCall;
import dev.runnerscale.autoscaler.github.GitHubHttp.GitHubResponse;
import dev.runnerscale.autoscaler.jobs.JobObservation;
import dev.runnerscale.autoscaler.jobs.JobStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpMethod;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /repos/{owner}/{repo}/actions/jobs/{job_id}} and {@code POST …/rerun} through our own client, with the
 * credential serving the job's repository. github-api could fetch a job only through {@code getRepository(...)},
 * which first sends {@code GET /repos/{owner}/{repo}} (outside our OpenAPI subset and a wasted request per job), has
 * no job re-run, and would add its own retry loop.
 */
final class RestGitHubJobApi implements GitHubJobApi {

    private final GitHubHttp http;
    private final GitHubCredentials credentials;
    private final Clock clock;

    RestGitHubJobApi(GitHubHttp http, GitHubCredentials credentials, Clock clock) {
        this.http = http;
        this.credentials = credentials;
        this.clock = clock;
    }

    @Override
    public RerunOutcome rerunJob(String owner, String repository, long jobId) {
        GitHubResponse response = http.send(GitHubCall.get(
                        GitHubOperation.RERUN_JOB,
                        credentials.forRepository(owner, repository),
                        "/repos/{owner}/{repo}/actions/jobs/{job_id}/rerun",
                        owner,
                        repository,
                        jobId)
                .method(HttpMethod.POST)
                .accepting(404));
        return response.status() == 404 ? RerunOutcome.NOT_FOUND : RerunOutcome.ACCEPTED;
    }

    @Override
    public Optional<Instant> heldUntil(String owner, String repository) {
        return credentials.heldUntil(owner);
    }

    @Override
    public Optional<JobObservation> fetchJob(String owner, String repository, long jobId) {
        GitHubResponse response = http.send(GitHubCall.get(
                        GitHubOperation.GET_JOB,
                        credentials.forRepository(owner, repository),
                        "/repos/{owner}/{repo}/actions/jobs/{job_id}",
                        owner,
                        repository,
                        jobId)
                .accepting(404));
        if (response.status() == 404) {
            return Optional.empty();
        }
        return Optional.of(toObservation(response.body(), owner, repository, clock.instant()));
    }

    static JobObservation toObservation(JsonNode job, String owner, String repository, Instant now) {
        JobStatus status = status(job.path("status").asString(""));
        List<String> labels = new ArrayList<>();
        job.path("labels").forEach(l -> labels.add(l.asString("")));
        boolean started = status == JobStatus.IN_PROGRESS || status == JobStatus.COMPLETED;
        // runner_* are null while queued; GitHub also fills started_at for queued jobs, which means nothing yet.
        return new JobObservation(
                job.path("id").asLong(),
                job.path("run_id").asLong(),
                job.path("run_attempt").asInt(1),
                owner,
                repository,
                text(job.path("workflow_name")),
                text(job.path("name")),
                labels,
                status,
                status == JobStatus.COMPLETED ? text(job.path("conclusion")) : null,
                time(job.path("created_at")),
                started ? time(job.path("started_at")) : null,
                status == JobStatus.COMPLETED ? time(job.path("completed_at")) : null,
                job.path("runner_id").isNumber() ? job.path("runner_id").asLong() : null,
                text(job.path("runner_name")),
                null,
                now);
    }

    /** GitHub's {@code requested} and {@code pending} precede {@code queued}: no runner can take the job yet. */
    private static JobStatus status(String wire) {
        return switch (wire) {
            case "requested", "pending", "queued" -> JobStatus.QUEUED;
            case "waiting" -> JobStatus.WAITING;
            case "in_progress" -> JobStatus.IN_PROGRESS;
            case "completed" -> JobStatus.COMPLETED;
            default -> throw new GitHubUnavailableException("GitHub get_job answered an unknown status: " + wire);
        };
    }

    private static String text(JsonNode node) {
        return node.isString() ? node.asString() : null;
    }

    private static Instant time(JsonNode node) {
        if (!node.isString()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(node.asString()).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
