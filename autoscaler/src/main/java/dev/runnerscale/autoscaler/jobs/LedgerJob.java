package dev.runnerscale.autoscaler.jobs;

import java.time.Instant;
import java.util.List;

/**
 * One workflow job as the ledger holds it. {@code pool} is null when no pool matched (not ours); {@code conclusion},
 * times and runner fields are null until known.
 */
public record LedgerJob(
        long id,
        long runId,
        int runAttempt,
        String owner,
        String repository,
        String workflowName,
        String jobName,
        List<String> labels,
        JobStatus status,
        String conclusion,
        Instant queuedAt,
        Instant startedAt,
        Instant completedAt,
        Long runnerId,
        String runnerName,
        String pool,
        boolean refused,
        String lastDeliveryId,
        Instant firstReceivedAt,
        Instant lastReceivedAt) {

    public LedgerJob {
        labels = List.copyOf(labels);
    }
}
