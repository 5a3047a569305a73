package dev.runnerscale.autoscaler.runners;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pools whose own calls were refused for a reason waiting will not fix soon (GitHub's 401, 403, 404, 422 — a missing
 * permission, a runner group that does not exist, an App not installed; the API server's 403 or 422 in the pool's
 * namespace). Only that pool waits, with an exponential back-off, while every other pool goes on: one bad setting
 * must not stop the fleet. A call of the pool that succeeds again ends its hold.
 */
final class PoolHolds {

    /**
     * @param reason bounded slug, fit for a metric tag ({@code github_forbidden}, {@code kubernetes_invalid}, …)
     * @param detail what was refused and why, for the operator (never a secret)
     * @param refusals consecutive refusals, which set the back-off
     */
    record Hold(String reason, String detail, Instant since, Instant until, int refusals) {}

    private final Duration initial;
    private final Duration max;
    private final Map<String, Hold> holds = new ConcurrentHashMap<>();

    PoolHolds(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
    }

    /** The pool's hold while it lasts. */
    Optional<Hold> active(String pool, Instant now) {
        Hold hold = holds.get(pool);
        return hold != null && now.isBefore(hold.until()) ? Optional.of(hold) : Optional.empty();
    }

    /** The pool's last hold, over or not, until a successful call clears it (the operator view shows it). */
    Optional<Hold> last(String pool) {
        return Optional.ofNullable(holds.get(pool));
    }

    /** Holds the pool after a refusal: {@code initial}, doubled per consecutive refusal, at most {@code max}. */
    Hold hold(String pool, String reason, String detail, Instant now) {
        return holds.compute(pool, (p, previous) -> {
            int refusals = previous == null ? 1 : previous.refusals() + 1;
            Duration wait = initial;
            for (int i = 1; i < refusals && wait.compareTo(max) < 0; i++) {
                wait = wait.multipliedBy(2);
            }
            if (wait.compareTo(max) > 0) {
                wait = max;
            }
            Instant since = previous == null ? now : previous.since();
            return new Hold(reason, detail, since, now.plus(wait), refusals);
        });
    }

    /** A call of the pool succeeded: the setting was fixed. */
    void clear(String pool) {
        holds.remove(pool);
    }

    void forget(String pool) {
        holds.remove(pool);
    }
}
