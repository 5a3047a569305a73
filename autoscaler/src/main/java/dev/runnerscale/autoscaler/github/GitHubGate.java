package dev.runnerscale.autoscaler.github;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The wait GitHub asked for, shared by every operation: GitHub's limits count per credential, not per endpoint,
 * so after a rate-limit answer on one call no call of any kind may go out before {@code retryAt}.
 */
public final class GitHubGate {

    private final Clock clock;
    private final AtomicReference<Instant> closedUntil = new AtomicReference<>(Instant.MIN);

    public GitHubGate(Clock clock) {
        this.clock = clock;
    }

    /** The instant before which calls are refused, when that is still in the future. */
    public Optional<Instant> closedUntil() {
        Instant until = closedUntil.get();
        return clock.instant().isBefore(until) ? Optional.of(until) : Optional.empty();
    }

    /** Refuses calls until {@code retryAt}; an earlier instant never shortens a pending wait. */
    void closeUntil(Instant retryAt) {
        closedUntil.accumulateAndGet(retryAt, (a, b) -> a.isAfter(b) ? a : b);
    }
}
