package dev.runnerscale.autoscaler.cost.accounting;

import dev.runnerscale.autoscaler.cost.Requests;
import java.time.Instant;

/**
 * What the reconciler passes to {@link CostAccountant#runnerEnded} when a runner pod has ended (terminal phase, or
 * deleted): the facts only the pod knows. Job fields may be null: the accountant then reads the job from the ledger
 * (by {@code jobId}, else by {@code runnerName}).
 *
 * @param pool the pod's pool
 * @param podName the pod's name
 * @param runnerName the GitHub runner name registered for the pod (unique per registration): the row's key
 * @param jobId the job the runner ran, or null when not known here
 * @param nodeName the node the pod ran on ({@code spec.nodeName}); null when it was never scheduled (nothing to pay)
 * @param requests the pod's effective requests ({@link Requests#ofPod}: every container, init and sidecar included)
 * @param runnerStartedAt when the pod began to hold the node: its {@code PodScheduled} condition time, else its
 *     start time
 * @param endedAt when the pod ended: the runner container's termination time, else the pod's deletion time, else
 *     now
 * @param jobStartedAt when the job started on the runner, or null (from the ledger)
 * @param jobEndedAt when the job ended, or null (from the ledger; the runner's end when the job never reported one)
 */
public record RunnerEnded(
        String pool,
        String podName,
        String runnerName,
        Long jobId,
        String nodeName,
        Requests requests,
        Instant runnerStartedAt,
        Instant endedAt,
        Instant jobStartedAt,
        Instant jobEndedAt) {

    public RunnerEnded {
        if (pool == null
                || podName == null
                || runnerName == null
                || requests == null
                || runnerStartedAt == null
                || endedAt == null) {
            throw new IllegalArgumentException(
                    "pool, podName, runnerName, requests, runnerStartedAt and endedAt are" + " required");
        }
    }
}
