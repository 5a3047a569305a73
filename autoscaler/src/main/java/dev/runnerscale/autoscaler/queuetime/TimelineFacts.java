package dev.runnerscale.autoscaler.queuetime;

import java.time.Duration;
import java.time.Instant;

/**
 * What is known of one job's path from queued to started, each instant as the ledger holds it (null: not known).
 * Instants come from several clocks: GitHub's ({@code queuedAt}, {@code startedAt}, {@code completedAt}), the
 * receiving replica's ({@code receivedAt}), the reconciling replica's ({@code demandSeenAt}, and for pods it created
 * {@code podCreatedAt} and {@code runnerRegisteredAt}), the API server's and the node's ({@code podScheduledAt},
 * {@code runnerStartedAt}). {@link JobTimeline} never lets their disagreement make a negative stage.
 *
 * @param ran the job ran on a runner (it is in progress, or it completed on a named runner); a job completed without
 *     a runner was cancelled while queued
 * @param completed the job completed
 * @param linked the runner pod that took the job is known and its stages were read
 * @param newNode the pod's node was created after the pod (null: not known)
 * @param capacityWait the part of the wait during which the pool was at its max (null: not known)
 */
public record TimelineFacts(
        Instant queuedAt,
        Instant receivedAt,
        Instant demandSeenAt,
        Instant podCreatedAt,
        Instant podScheduledAt,
        Boolean newNode,
        Instant runnerRegisteredAt,
        Instant runnerStartedAt,
        Instant startedAt,
        Instant completedAt,
        boolean ran,
        boolean completed,
        boolean linked,
        String runnerPod,
        Duration capacityWait) {

    /** The same job with its runner pod's stages, as they were read when it was linked. */
    public TimelineFacts withPod(PodTimes pod, Duration capacity) {
        return new TimelineFacts(
                queuedAt,
                receivedAt,
                demandSeenAt,
                pod.createdAt(),
                pod.scheduledAt(),
                pod.newNode(),
                pod.registeredAt(),
                pod.startedAt(),
                startedAt,
                completedAt,
                ran,
                completed,
                true,
                pod.podName(),
                capacity);
    }

    /** A runner pod's own stages (null: not reported). */
    public record PodTimes(
            String podName,
            Instant createdAt,
            Instant scheduledAt,
            Boolean newNode,
            Instant registeredAt,
            Instant startedAt) {}
}
