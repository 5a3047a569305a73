package dev.runnerscale.autoscaler.cost;

import java.time.Instant;

/**
 * What one ephemeral runner used: its pod's requests on its node for its lifetime, and the job it ran, if any.
 *
 * @param runnerStart when the pod started holding its node's resources (scheduled / started)
 * @param runnerEnd when the pod ended (or was last seen)
 * @param jobStart when the job started on the runner, or null when it ran none
 * @param jobEnd when the job ended, or null when unknown (for example interrupted with the node): the runner's end
 */
public record RunnerUsage(Requests requests, Instant runnerStart, Instant runnerEnd, Instant jobStart, Instant jobEnd) {

    public RunnerUsage {
        if (runnerEnd.isBefore(runnerStart)) {
            throw new IllegalArgumentException("a runner cannot end before it starts");
        }
    }

    /** The job's time on the runner, clipped to the runner's lifetime; null when it ran no job. */
    public PriceSegment jobWindow() {
        if (jobStart == null) {
            return null;
        }
        Instant start = jobStart.isBefore(runnerStart) ? runnerStart : jobStart;
        Instant end = jobEnd == null || jobEnd.isAfter(runnerEnd) ? runnerEnd : jobEnd;
        return end.isAfter(start)
                ? new PriceSegment(start, end, java.math.BigDecimal.ZERO)
                : new PriceSegment(start, start, java.math.BigDecimal.ZERO);
    }
}
