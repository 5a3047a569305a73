package dev.runnerscale.autoscaler.repair;

import dev.runnerscale.autoscaler.jobs.JobObservation;
import dev.runnerscale.autoscaler.jobs.JobStatus;
import java.time.Instant;
import java.util.List;

/** What a {@code queued} delivery tells the ledger, for the repair tests' starting points. */
final class RepairObservations {

    private RepairObservations() {}

    static JobObservation queued(
            long jobId, long runId, String owner, String repo, List<String> labels, String deliveryId, Instant at) {
        return new JobObservation(
                jobId,
                runId,
                1,
                owner,
                repo,
                "CI",
                "build",
                labels,
                JobStatus.QUEUED,
                null,
                at,
                null,
                null,
                null,
                null,
                deliveryId,
                at);
    }
}
