package dev.runnerscale.autoscaler.github;

import dev.runnerscale.autoscaler.jobs.JobObservation;
import java.time.Instant;
import java.util.Optional;

/**
 * GitHub's workflow-job endpoints: the repair of the ledger when a delivery was missed, and the re-run of a job a
 * lost runner could not finish. Every call uses the credential serving the job's repository (the owner's App
 * installation, or the personal access token), through the same guard as the runner calls; failures surface by
 * kind ({@link GitHubException}): a {@link GitHubRejectedException} concerns this job only, a
 * {@link GitHubRateLimitedException} the repository's credential, a {@link GitHubUnavailableException} GitHub.
 */
public interface GitHubJobApi {

    /**
     * The job as GitHub reports it now ({@code GET /repos/{owner}/{repo}/actions/jobs/{job_id}}), or empty when
     * GitHub does not know it (404). The observation carries no delivery id.
     */
    Optional<JobObservation> fetchJob(String owner, String repository, long jobId);

    /**
     * Asks GitHub to re-run the job and the jobs that depend on it
     * ({@code POST /repos/{owner}/{repo}/actions/jobs/{job_id}/rerun}).
     *
     * @return {@link RerunOutcome#ACCEPTED} (201), or {@link RerunOutcome#NOT_FOUND} when GitHub does not know the
     *     job or repository (404)
     * @throws GitHubRejectedException when GitHub refuses the re-run (403 {@code forbidden}: the job cannot be re-run
     *     — its run is still going, it is too old — or the credentials lack <i>Actions: write</i>; 422
     *     {@code unprocessable}); {@link GitHubRejectedException#gitHubMessage()} says which
     */
    RerunOutcome rerunJob(String owner, String repository, long jobId);

    /**
     * Until when calls for the repository will not be sent (its credential's rate-limit wait, or the open circuit),
     * without asking GitHub; empty when a call may go now.
     */
    Optional<Instant> heldUntil(String owner, String repository);

    enum RerunOutcome {
        /** GitHub queued the re-run (201). */
        ACCEPTED,
        /** GitHub does not know the job (404): nothing to re-run. */
        NOT_FOUND
    }
}
