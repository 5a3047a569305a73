package dev.runnerscale.autoscaler.queuetime.recording;

import dev.runnerscale.autoscaler.jobs.JobStatus;
import dev.runnerscale.autoscaler.queuetime.TimelineFacts;
import java.time.Duration;
import java.time.Instant;

/** A job's row as the timeline reads it: the ledger's times and the V4 timeline columns. */
public record JobTimes(
        long id,
        String pool,
        String owner,
        String repository,
        boolean refused,
        JobStatus status,
        String runnerName,
        Instant queuedAt,
        Instant firstReceivedAt,
        Instant lastReceivedAt,
        Instant demandSeenAt,
        String runnerPod,
        Instant podCreatedAt,
        Instant podScheduledAt,
        Boolean podNewNode,
        Instant runnerRegisteredAt,
        Instant runnerStartedAt,
        Instant startedAt,
        Instant completedAt,
        Long capacityWaitMs,
        Instant timelineRecordedAt,
        String stuckReason,
        Instant stuckAt) {

    /** Since when the job has been queued, as far as we know: the pass that first saw it, else its last delivery. */
    public Instant queuedSince() {
        return demandSeenAt != null ? demandSeenAt : lastReceivedAt;
    }

    public TimelineFacts facts() {
        boolean completed = status == JobStatus.COMPLETED;
        boolean ran = startedAt != null && (status == JobStatus.IN_PROGRESS || (completed && runnerName != null));
        return new TimelineFacts(
                queuedAt,
                firstReceivedAt,
                demandSeenAt,
                podCreatedAt,
                podScheduledAt,
                podNewNode,
                runnerRegisteredAt,
                runnerStartedAt,
                startedAt,
                completedAt,
                ran,
                completed,
                runnerPod != null,
                runnerPod,
                capacityWaitMs == null ? null : Duration.ofMillis(capacityWaitMs));
    }
}
