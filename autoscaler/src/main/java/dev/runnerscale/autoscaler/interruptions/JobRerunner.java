package dev.runnerscale.autoscaler.interruptions;

/**
 * Asks GitHub to re-run one job ({@code POST /repos/{owner}/{repo}/actions/jobs/{job_id}/rerun}):
 * {@link GitHubJobRerunner} with GitHub credentials; without them (a dry run) an implementation that only logs.
 */
public interface JobRerunner {

    /** What came of the request. */
    enum Outcome {
        /** GitHub accepted the re-run (201). */
        REQUESTED,
        /** GitHub refused it for good (4xx other than a rate limit): never asked again. */
        REJECTED,
        /** Not sent: dry run without GitHub credentials. */
        SKIPPED
    }

    /**
     * @throws NotSent when the request certainly did not reach GitHub or GitHub certainly did not act (open circuit,
     *     rate limit, no connection, 503): the claim is released and a later sweep asks again. Any other exception (a timeout after
     *     sending) is ambiguous: the claim is kept and the outcome recorded as {@code unknown}, because asking
     *     again could re-run the job twice.
     */
    Outcome rerun(String owner, String repository, long jobId);

    /** The re-run request was not carried out; asking again is safe. */
    class NotSent extends RuntimeException {
        public NotSent(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
