package dev.runnerscale.autoscaler.queuetime;

import java.time.Duration;

/**
 * A started job's queue wait, from GitHub's {@code created_at} to its {@code started_at} (both GitHub's clock), split
 * into the time its pool was at its max ({@code capacity}: every slot taken, no runner could be made for it) and the
 * rest ({@code runnerStart}: a runner being made, scheduled, registered and started, and GitHub handing it the job).
 * The parts are null when the pool's history was not known (a job not linked to a runner of ours); they always add
 * up to the total.
 */
public record QueueWait(Duration total, Duration capacity, Duration runnerStart) {}
