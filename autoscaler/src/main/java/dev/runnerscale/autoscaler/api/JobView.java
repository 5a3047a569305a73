package dev.runnerscale.autoscaler.api;

import dev.runnerscale.autoscaler.cost.accounting.JobCost;
import dev.runnerscale.autoscaler.jobs.LedgerJob;
import java.time.Instant;
import java.util.List;

/** A ledger row as the API shows it; {@code status} in GitHub's words, {@code pool} null when no pool matched. */
record JobView(
        long id,
        long runId,
        int runAttempt,
        String owner,
        String repository,
        String workflowName,
        String jobName,
        List<String> labels,
        String status,
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
        Instant lastReceivedAt,
        JobCost cost,
        QueueTimeViews.TimelineView timeline) {

    static JobView of(LedgerJob j) {
        return of(j, null);
    }

    /** The row with its cost ({@code null} until the cost of its runner is known). */
    static JobView of(LedgerJob j, JobCost cost) {
        return of(j, cost, null);
    }

    /** The row with its cost and its queue-time timeline ({@code null} where the timeline is not wired). */
    static JobView of(LedgerJob j, JobCost cost, QueueTimeViews.TimelineView timeline) {
        return new JobView(
                j.id(),
                j.runId(),
                j.runAttempt(),
                j.owner(),
                j.repository(),
                j.workflowName(),
                j.jobName(),
                j.labels(),
                j.status().wire(),
                j.conclusion(),
                j.queuedAt(),
                j.startedAt(),
                j.completedAt(),
                j.runnerId(),
                j.runnerName(),
                j.pool(),
                j.refused(),
                j.lastDeliveryId(),
                j.firstReceivedAt(),
                j.lastReceivedAt(),
                cost,
                timeline);
    }
}
