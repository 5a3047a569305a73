package dev.runnerscale.autoscaler.jobs;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The durable ledger of workflow jobs: the autoscaler's only record of demand. Implementations must apply
 * observations with the merge rules of the ledger merge rules atomically per job, so that several replicas writing the
 * same job at once converge on the same row.
 */
public interface JobLedger {

    /** The job, or empty when no delivery of it was ever accepted. */
    Optional<LedgerJob> find(long jobId);

    /** Per configured pool, the current counts (a pool with no jobs has zero counts, never a missing key). */
    Map<String, PoolJobCounts> countsByPool();

    /**
     * Jobs of a pool (not refused) still {@code queued} or {@code in_progress} whose last change is older than
     * {@code cutoff}: candidates for a check against GitHub because a delivery may have been missed. Oldest first.
     */
    List<LedgerJob> unfinishedSince(Instant cutoff, int limit);

    /**
     * Jobs still queued that the stuck-demand detector flagged (see {@code queuetime}) at or before {@code now}, first
     * flagged first: the missed-event repair checks them against GitHub before anything else. Empty for a ledger
     * without the timeline.
     */
    default List<LedgerJob> stuckJobs(Instant now, int limit) {
        return List.of();
    }

    /**
     * Jobs of our pools (not refused) now {@code in_progress}, each with the name of the runner it runs on (null while
     * no delivery named it): read on every reconcile pass, so only pool and runner name are fetched.
     */
    List<RunningJob> inProgressJobs();

    /**
     * Which of these runner names a job of ours ran on, whatever its status now: an ephemeral runner that ended is
     * judged by whether it ever took a job (the job may have started and ended between two passes).
     */
    Set<String> runnersThatTookJobs(Collection<String> runnerNames);

    /**
     * Applies what GitHub's API says of a job (the missed-event check) through the same merge rules as a webhook
     * delivery. Returns the row after the merge, or empty when the ledger does not hold the job.
     */
    Optional<LedgerJob> correct(JobObservation observation);

    /**
     * Ends demand that can no longer be real (GitHub no longer knows the job, or it is older than GitHub's 24-hour
     * queue limit): the job is marked completed with conclusion {@code expired}. Returns whether the row changed.
     */
    boolean expire(long jobId, Instant now);
}
