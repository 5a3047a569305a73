package dev.runnerscale.autoscaler.scaling;

import java.time.Duration;
import java.time.Instant;

/**
 * Exponential back-off of pod creation after failed pods, per pool: {@code initial}, doubled per consecutive failure,
 * capped at {@code max}; a runner that succeeded resets it. Immutable: each change returns a new value.
 */
public record FailureBackoff(int consecutiveFailures, Instant heldUntil) {

    public static final FailureBackoff NONE = new FailureBackoff(0, null);

    public FailureBackoff afterFailures(int failures, Instant now, Duration initial, Duration max) {
        if (failures <= 0) {
            return this;
        }
        int total = consecutiveFailures + failures;
        // 2^(total-1) * initial, computed without overflow: stop doubling once past max.
        Duration wait = initial;
        for (int i = 1; i < total && wait.compareTo(max) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        if (wait.compareTo(max) > 0) {
            wait = max;
        }
        return new FailureBackoff(total, now.plus(wait));
    }

    public FailureBackoff afterSuccess() {
        return NONE;
    }
}
