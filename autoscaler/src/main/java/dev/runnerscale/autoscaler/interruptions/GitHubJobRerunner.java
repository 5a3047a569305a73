package dev.runnerscale.autoscaler.interruptions;

import dev.runnerscale.autoscaler.github.GitHubJobApi;
import dev.runnerscale.autoscaler.github.GitHubRateLimitedException;
import dev.runnerscale.autoscaler.github.GitHubRejectedException;
import dev.runnerscale.autoscaler.github.GitHubUnavailableException;

/**
 * The {@link JobRerunner} port on GitHub ({@code POST /repos/{owner}/{repo}/actions/jobs/{job_id}/rerun} through
 * {@link GitHubJobApi#rerunJob}). A job must be re-run at most once, so each failure is sorted by whether GitHub
 * certainly did not act on the request — then it may be asked again — or might have:
 *
 * <ul>
 *   <li>201 → {@link Outcome#REQUESTED}; a 2xx whose body could not be read was accepted too;
 *   <li>404 (GitHub does not know the job) and every refusal ({@link GitHubRejectedException}: 403 — the run still
 *       going, too old, no <i>Actions: write</i> —, 422, 401) → {@link Outcome#REJECTED}, never asked again;
 *   <li>{@link NotSent}, asked again by a later sweep: a rate limit (our gate or pace limiter refused to send, or GitHub
 *       answered 403/429 for the rate limit, which it decides before acting), an open circuit, credentials that could
 *       not be prepared, a connection never made, and a 503 (the server says it did not handle the request);
 *   <li>anything else propagates (the sweep records {@code unknown} and never asks again): a timeout or a broken
 *       connection after the request was sent, and the 5xx that may come after GitHub acted (500 from the
 *       application, 502/504 from a gateway whose upstream may have carried the request out).
 * </ul>
 */
public class GitHubJobRerunner implements JobRerunner {

    private final GitHubJobApi jobs;

    public GitHubJobRerunner(GitHubJobApi jobs) {
        this.jobs = jobs;
    }

    @Override
    public Outcome rerun(String owner, String repository, long jobId) {
        try {
            return jobs.rerunJob(owner, repository, jobId) == GitHubJobApi.RerunOutcome.ACCEPTED
                    ? Outcome.REQUESTED
                    : Outcome.REJECTED;
        } catch (GitHubRejectedException e) {
            return Outcome.REJECTED;
        } catch (GitHubRateLimitedException e) {
            throw new NotSent("re-run of job " + jobId + " not carried out: " + e.getMessage(), e);
        } catch (GitHubUnavailableException e) {
            if (e.status().filter(s -> s >= 200 && s < 300).isPresent()) {
                return Outcome.REQUESTED;
            }
            if (!e.sent() || e.status().filter(s -> s == 503).isPresent()) {
                throw new NotSent("re-run of job " + jobId + " not carried out: " + e.getMessage(), e);
            }
            throw e;
        }
    }
}
