package dev.runnerscale.autoscaler.testsupport;

import dev.runnerscale.autoscaler.jobs.JobLedger;
import dev.runnerscale.autoscaler.jobs.JobObservation;
import dev.runnerscale.autoscaler.jobs.JobStatus;
import dev.runnerscale.autoscaler.jobs.LedgerJob;
import dev.runnerscale.autoscaler.jobs.PoolJobCounts;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ledger in memory, with the same forward-only status rule as the real one: a job never goes back (a late
 * {@code queued} after {@code in_progress} changes nothing). Thread-safe per job.
 */
public final class InMemoryJobLedger implements JobLedger {

    private final Map<Long, LedgerJob> jobs = new ConcurrentHashMap<>();
    private final List<String> pools;
    private final Clock clock;

    public InMemoryJobLedger(List<String> pools, Clock clock) {
        this.pools = List.copyOf(pools);
        this.clock = clock;
    }

    public void queue(long jobId, String pool) {
        Instant now = clock.instant();
        jobs.putIfAbsent(
                jobId,
                new LedgerJob(
                        jobId,
                        jobId,
                        1,
                        "acme",
                        "app",
                        "ci",
                        "build",
                        List.of("self-hosted"),
                        JobStatus.QUEUED,
                        null,
                        now,
                        null,
                        null,
                        null,
                        null,
                        pool,
                        false,
                        "delivery-" + jobId,
                        now,
                        now));
    }

    /** The job started on a runner; false when it was not queued (already started or finished). */
    public boolean start(long jobId, long runnerId, String runnerName) {
        Instant now = clock.instant();
        boolean[] changed = {false};
        jobs.computeIfPresent(jobId, (id, j) -> {
            if (j.status().rank() >= JobStatus.IN_PROGRESS.rank()) {
                return j;
            }
            changed[0] = true;
            return copy(j, JobStatus.IN_PROGRESS, null, now, null, runnerId, runnerName, now);
        });
        return changed[0];
    }

    public boolean complete(long jobId, String conclusion) {
        Instant now = clock.instant();
        boolean[] changed = {false};
        jobs.computeIfPresent(jobId, (id, j) -> {
            if (j.status() == JobStatus.COMPLETED) {
                return j;
            }
            changed[0] = true;
            return copy(j, JobStatus.COMPLETED, conclusion, j.startedAt(), now, j.runnerId(), j.runnerName(), now);
        });
        return changed[0];
    }

    /** The oldest queued job of a pool, if any. */
    public Optional<LedgerJob> oldestQueued(String pool) {
        return jobs.values().stream()
                .filter(j -> pool.equals(j.pool()) && j.status() == JobStatus.QUEUED)
                .min(Comparator.comparing(LedgerJob::id));
    }

    public long count(JobStatus status) {
        return jobs.values().stream().filter(j -> j.status() == status).count();
    }

    @Override
    public Optional<LedgerJob> find(long jobId) {
        return Optional.ofNullable(jobs.get(jobId));
    }

    @Override
    public Map<String, PoolJobCounts> countsByPool() {
        Map<String, PoolJobCounts> counts = new LinkedHashMap<>();
        for (String pool : pools) {
            long waiting = 0;
            long queued = 0;
            long running = 0;
            for (LedgerJob j : jobs.values()) {
                if (!pool.equals(j.pool()) || j.refused()) {
                    continue;
                }
                switch (j.status()) {
                    case WAITING -> waiting++;
                    case QUEUED -> queued++;
                    case IN_PROGRESS -> running++;
                    case COMPLETED -> {}
                }
            }
            counts.put(pool, new PoolJobCounts(pool, waiting, queued, running));
        }
        return counts;
    }

    @Override
    public List<LedgerJob> unfinishedSince(Instant cutoff, int limit) {
        return jobs.values().stream()
                .filter(j -> j.pool() != null && !j.refused())
                .filter(j -> j.status() == JobStatus.QUEUED || j.status() == JobStatus.IN_PROGRESS)
                .filter(j -> j.lastReceivedAt().isBefore(cutoff))
                .sorted(Comparator.comparing(LedgerJob::lastReceivedAt))
                .limit(limit)
                .toList();
    }

    @Override
    public Optional<LedgerJob> correct(JobObservation o) {
        LedgerJob after = jobs.computeIfPresent(o.jobId(), (id, j) -> {
            if (o.status().rank() <= j.status().rank()) {
                return j;
            }
            return copy(
                    j,
                    o.status(),
                    o.conclusion(),
                    o.startedAt() != null ? o.startedAt() : j.startedAt(),
                    o.completedAt(),
                    o.runnerId() != null ? o.runnerId() : j.runnerId(),
                    o.runnerName() != null ? o.runnerName() : j.runnerName(),
                    o.receivedAt());
        });
        return Optional.ofNullable(after);
    }

    @Override
    public boolean expire(long jobId, Instant now) {
        boolean[] changed = {false};
        jobs.computeIfPresent(jobId, (id, j) -> {
            if (j.status() == JobStatus.COMPLETED) {
                return j;
            }
            changed[0] = true;
            return copy(j, JobStatus.COMPLETED, "expired", j.startedAt(), now, j.runnerId(), j.runnerName(), now);
        });
        return changed[0];
    }

    private static LedgerJob copy(
            LedgerJob j,
            JobStatus status,
            String conclusion,
            Instant startedAt,
            Instant completedAt,
            Long runnerId,
            String runnerName,
            Instant now) {
        return new LedgerJob(
                j.id(),
                j.runId(),
                j.runAttempt(),
                j.owner(),
                j.repository(),
                j.workflowName(),
                j.jobName(),
                j.labels(),
                status,
                conclusion,
                j.queuedAt(),
                startedAt,
                completedAt,
                runnerId,
                runnerName,
                j.pool(),
                j.refused(),
                j.lastDeliveryId(),
                j.firstReceivedAt(),
                now);
    }
}
