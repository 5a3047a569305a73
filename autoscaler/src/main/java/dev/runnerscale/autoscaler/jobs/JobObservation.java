package dev.runnerscale.autoscaler.jobs;

import java.time.Instant;
import java.util.List;

/**
 * What one source (a {@code workflow_job} delivery, or GitHub's jobs API when a delivery was missed) says of a job
 * at one moment. Nullable fields are unknown to that source. {@code status} is the job's status as GitHub gave it
 * ({@code waiting} also arrives under {@code action: queued} for jobs held by an environment approval).
 */
public record JobObservation(
        long jobId,
        long runId,
        int runAttempt,
        String owner,
        String repository,
        String workflowName,
        String jobName,
        List<String> labels,
        JobStatus status,
        String conclusion,
        Instant createdAt,
        Instant startedAt,
        Instant completedAt,
        Long runnerId,
        String runnerName,
        String deliveryId,
        Instant receivedAt) {

    public JobObservation {
        labels = List.copyOf(labels);
    }
}
