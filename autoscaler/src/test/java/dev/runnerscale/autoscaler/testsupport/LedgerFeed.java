package dev.runnerscale.autoscaler.testsupport;

import dev.runnerscale.autoscaler.jobs.JdbcJobLedger;
import dev.runnerscale.autoscaler.jobs.JdbcJobLedgers;
import dev.runnerscale.autoscaler.jobs.JobDelivery;
import dev.runnerscale.autoscaler.jobs.JobObservation;
import dev.runnerscale.autoscaler.jobs.JobStatus;
import dev.runnerscale.autoscaler.jobs.LedgerJob;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Feeds GitHub's {@code workflow_job} deliveries into the real ledger on PostgreSQL through its write path
 * ({@link JdbcJobLedger#record}, which publishes the change on commit as the intake's does), and reads it back.
 */
public final class LedgerFeed implements AutoCloseable {

    private final JdbcJobLedgers ledgers;
    private final String pool;

    public LedgerFeed(PoolsProperties pools, ApplicationEventPublisher events) {
        this.ledgers = JdbcJobLedgers.inNewSchema(pools, events);
        this.pool = pools.pools().get(0).name();
    }

    public JdbcJobLedger ledger() {
        return ledgers.ledger;
    }

    public void queue(List<Long> jobIds) {
        ledgers.ledger.record(jobIds.stream()
                .map(id -> delivery(id, JobStatus.QUEUED, null, null, null))
                .toList());
    }

    public void start(long jobId, long runnerId, String runnerName) {
        ledgers.ledger.record(List.of(delivery(jobId, JobStatus.IN_PROGRESS, null, runnerId, runnerName)));
    }

    public void complete(long jobId, String conclusion) {
        LedgerJob job = find(jobId).orElseThrow();
        ledgers.ledger.record(
                List.of(delivery(jobId, JobStatus.COMPLETED, conclusion, job.runnerId(), job.runnerName())));
    }

    public Optional<LedgerJob> find(long jobId) {
        return ledgers.ledger.find(jobId);
    }

    public long count(JobStatus status) {
        return ledgers.jdbc.queryForObject(
                "SELECT count(*) FROM workflow_jobs WHERE status_rank = ?", Long.class, status.rank());
    }

    public Optional<Long> oldestQueued() {
        return ledgers
                .jdbc
                .queryForList(
                        "SELECT id FROM workflow_jobs WHERE status_rank = ? AND pool = ? ORDER BY id LIMIT 1",
                        Long.class,
                        JobStatus.QUEUED.rank(),
                        pool)
                .stream()
                .findFirst();
    }

    private JobDelivery delivery(long jobId, JobStatus status, String conclusion, Long runnerId, String runnerName) {
        Instant now = Instant.now();
        boolean running = status != JobStatus.QUEUED;
        JobObservation observation = new JobObservation(
                jobId,
                jobId,
                1,
                "acme",
                "app",
                "CI",
                "build",
                List.of("self-hosted", "linux", "x64"),
                status,
                conclusion,
                now,
                now,
                status == JobStatus.COMPLETED ? now : null,
                running ? runnerId : null,
                running ? runnerName : null,
                "d-" + jobId + "-" + status.wire(),
                now);
        return new JobDelivery(observation.deliveryId(), status.wire(), observation, pool, false);
    }

    @Override
    public void close() {
        ledgers.close();
    }
}
