package dev.runnerscale.autoscaler.github;

import dev.runnerscale.autoscaler.jobs.JobObservation;
import java.util.Optional;

/** GitHub's workflow-job endpoint, used to repair the ledger when a delivery was missed. */
public interface GitHubJobApi {

    /**
     * The job as GitHub reports it now ({@code GET /repos/{owner}/{repo}/actions/jobs/{job_id}}), or empty when
     * GitHub does not know it (404). The observation carries no delivery id.
     */
    Optional<JobObservation> fetchJob(String owner, String repository, long jobId);
}
