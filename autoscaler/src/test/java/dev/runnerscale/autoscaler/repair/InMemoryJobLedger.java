package dev.runnerscale.autoscaler.repair;

import dev.runnerscale.autoscaler.jobs.JobLedger;
import dev.runnerscale.autoscaler.jobs.JobObservation;
import dev.runnerscale.autoscaler.jobs.JobStatus;
import dev.runnerscale.autoscaler.jobs.LedgerJob;
import dev.runnerscale.autoscaler.jobs.PoolJobCounts;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A realistic in-memory {@link JobLedger} for repair tests until the JDBC ledger lands: a job's status only moves
 * forward, known fields are never erased by unknown ones, and an observation that changes nothing leaves the row
 * (and its last-change time) alone. Every job belongs to one pool, {@code pool-a}.
 */
final class InMemoryJobLedger implements JobLedger {

    static final String POOL = "pool-a";
    private final Map<Long, LedgerJob> jobs = new ConcurrentHashMap<>();

    /** Accepts a delivery (what the webhook path does), creating the job when new. */
    LedgerJob record(JobObservation o) {
        return jobs.compute(o.jobId(), (id, current) -> current == null ? create(o) : merge(current, o));
    }

    @Override
    public Optional<LedgerJob> find(long jobId) {
        return Optional.ofNullable(jobs.get(jobId));
    }

    @Override
    public Map<String, PoolJobCounts> countsByPool() {
        long waiting = count(JobStatus.WAITING);
        long queued = count(JobStatus.QUEUED);
        long inProgress = count(JobStatus.IN_PROGRESS);
        return Map.of(POOL, new PoolJobCounts(POOL, waiting, queued, inProgress));
    }

    private long count(JobStatus status) {
        return jobs.values().stream().filter(j -> j.status() == status).count();
    }

    @Override
    public List<LedgerJob> unfinishedSince(Instant cutoff, int limit) {
        return jobs.values().stream()
                .filter(j -> !j.refused())
                .filter(j -> j.status() == JobStatus.QUEUED || j.status() == JobStatus.IN_PROGRESS)
                .filter(j -> j.lastReceivedAt().isBefore(cutoff))
                .sorted(Comparator.comparing(LedgerJob::lastReceivedAt).thenComparing(LedgerJob::id))
                .limit(limit)
                .toList();
    }

    @Override
    public Optional<LedgerJob> correct(JobObservation observation) {
        return Optional.ofNullable(
                jobs.computeIfPresent(observation.jobId(), (id, current) -> merge(current, observation)));
    }

    @Override
    public boolean expire(long jobId, Instant now) {
        boolean[] changed = {false};
        jobs.computeIfPresent(jobId, (id, j) -> {
            if (j.status() == JobStatus.COMPLETED) {
                return j;
            }
            changed[0] = true;
            return new LedgerJob(
                    j.id(),
                    j.runId(),
                    j.runAttempt(),
                    j.owner(),
                    j.repository(),
                    j.workflowName(),
                    j.jobName(),
                    j.labels(),
                    JobStatus.COMPLETED,
                    "expired",
                    j.queuedAt(),
                    j.startedAt(),
                    now,
                    j.runnerId(),
                    j.runnerName(),
                    j.pool(),
                    j.refused(),
                    j.lastDeliveryId(),
                    j.firstReceivedAt(),
                    now);
        });
        return changed[0];
    }

    private static LedgerJob create(JobObservation o) {
        return new LedgerJob(
                o.jobId(),
                o.runId(),
                o.runAttempt(),
                o.owner(),
                o.repository(),
                o.workflowName(),
                o.jobName(),
                o.labels(),
                o.status(),
                o.conclusion(),
                o.createdAt(),
                o.startedAt(),
                o.completedAt(),
                o.runnerId(),
                o.runnerName(),
                POOL,
                false,
                o.deliveryId(),
                o.receivedAt(),
                o.receivedAt());
    }

    private static LedgerJob merge(LedgerJob j, JobObservation o) {
        if (o.status().rank() <= j.status().rank()) {
            return j; // a status never goes back; an equal one adds nothing we act on
        }
        return new LedgerJob(
                j.id(),
                j.runId(),
                j.runAttempt(),
                j.owner(),
                j.repository(),
                or(o.workflowName(), j.workflowName()),
                or(o.jobName(), j.jobName()),
                j.labels(),
                o.status(),
                or(o.conclusion(), j.conclusion()),
                j.queuedAt(),
                or(o.startedAt(), j.startedAt()),
                or(o.completedAt(), j.completedAt()),
                or(o.runnerId(), j.runnerId()),
                or(o.runnerName(), j.runnerName()),
                j.pool(),
                j.refused(),
                or(o.deliveryId(), j.lastDeliveryId()),
                j.firstReceivedAt(),
                o.receivedAt());
    }

    private static <T> T or(T preferred, T fallback) {
        return preferred != null ? preferred : fallback;
    }
}
