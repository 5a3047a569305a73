package dev.runnerscale.autoscaler.repair;

import dev.runnerscale.autoscaler.jobs.JobLedger;
import dev.runnerscale.autoscaler.jobs.JobMerge;
import dev.runnerscale.autoscaler.jobs.JobObservation;
import dev.runnerscale.autoscaler.jobs.JobStatus;
import dev.runnerscale.autoscaler.jobs.LedgerJob;
import dev.runnerscale.autoscaler.jobs.PoolJobCounts;
import dev.runnerscale.autoscaler.jobs.RunningJob;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory {@link JobLedger} for the repair scenarios, which also run against {@code JdbcJobLedger}: it applies
 * the real merge rules ({@link JobMerge}), so the fake cannot drift from the ledger's specification. Every job
 * belongs to one pool, {@code pool-a}.
 */
final class InMemoryJobLedger implements JobLedger {

    static final String POOL = "pool-a";
    private final Map<Long, LedgerJob> jobs = new ConcurrentHashMap<>();
    private final Map<Long, Instant> stuck = new ConcurrentHashMap<>();

    /** What the stuck-demand detector does to the ledger: flags a queued job once. */
    void flagStuck(long jobId, Instant at) {
        stuck.putIfAbsent(jobId, at);
    }

    @Override
    public List<LedgerJob> stuckJobs(Instant now, int limit) {
        return stuck.entrySet().stream()
                .filter(e -> !e.getValue().isAfter(now))
                .sorted(Map.Entry.<Long, Instant>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .map(e -> jobs.get(e.getKey()))
                .filter(j -> j != null && !j.refused() && j.status() == JobStatus.QUEUED)
                .limit(limit)
                .toList();
    }

    /** Accepts a delivery (what the webhook path does), creating the job when new. */
    LedgerJob record(JobObservation o) {
        return jobs.compute(o.jobId(), (id, current) -> JobMerge.merge(current, o, POOL, false));
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
    public List<RunningJob> inProgressJobs() {
        return jobs.values().stream()
                .filter(j -> !j.refused() && j.pool() != null && j.status() == JobStatus.IN_PROGRESS)
                .map(j -> new RunningJob(j.pool(), j.runnerName()))
                .toList();
    }

    @Override
    public Set<String> runnersThatTookJobs(Collection<String> runnerNames) {
        return jobs.values().stream()
                .map(LedgerJob::runnerName)
                .filter(runnerNames::contains)
                .collect(java.util.stream.Collectors.toSet());
    }

    @Override
    public Optional<LedgerJob> correct(JobObservation observation) {
        return Optional.ofNullable(jobs.computeIfPresent(
                observation.jobId(), (id, current) -> JobMerge.merge(current, observation, POOL, false)));
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
}
