package dev.runnerscale.autoscaler.queuetime;

import java.time.Duration;
import java.time.Instant;

/**
 * One stage of a job's timeline.
 *
 * @param at the stage's instant as observed (null when unknown or pending)
 * @param duration its share of the wait (null unless {@link StageStatus#MEASURED} or {@link StageStatus#CLAMPED};
 *     never negative)
 * @param reason why it was clamped, skipped or is unknown (one of the constants of {@link JobTimeline}); null
 *     otherwise
 */
public record StageTiming(Stage stage, Instant at, Duration duration, StageStatus status, String reason) {

    /** Whether this stage gives a sample of the stage histogram. */
    public boolean counted() {
        return status == StageStatus.MEASURED || status == StageStatus.CLAMPED;
    }
}
