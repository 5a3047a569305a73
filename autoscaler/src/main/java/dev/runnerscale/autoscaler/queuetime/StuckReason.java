package dev.runnerscale.autoscaler.queuetime;

import java.util.Locale;

/** Why a queued job is stuck although its pool should be serving it; the {@code reason} tag (bounded). */
public enum StuckReason {
    /** The pool's runner pod runs and is registered, but its runner never came online on GitHub. */
    RUNNER_OFFLINE,
    /** The pool has idle registered runners that GitHub does not hand the job to (labels, runner group). */
    IDLE_RUNNER_UNUSED,
    /** The pool is below its max and no pod is pending for the job: the autoscaler makes no runner for it. */
    NO_POD_PENDING;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static StuckReason fromWire(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }
}
