package dev.runnerscale.autoscaler.github;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The waits GitHub asked for, per credential: GitHub's limits count per credential (an installation token, the
 * personal access token, the App's JWT), not per endpoint, so after a rate-limit answer no call of any kind with
 * that credential may go out before {@code retryAt}, while other credentials (another organisation's installation)
 * go on. Bounded by the number of credentials in use.
 */
public final class GitHubGate {

    private final Clock clock;
    private final Map<String, Instant> closedUntil = new ConcurrentHashMap<>();

    public GitHubGate(Clock clock) {
        this.clock = clock;
    }

    /** The instant before which calls with {@code credential} are refused, when that is still in the future. */
    public Optional<Instant> closedUntil(String credential) {
        Instant until = closedUntil.get(credential);
        return until != null && clock.instant().isBefore(until) ? Optional.of(until) : Optional.empty();
    }

    /** Refuses calls with {@code credential} until {@code retryAt}; an earlier instant never shortens a wait. */
    void closeUntil(String credential, Instant retryAt) {
        closedUntil.merge(credential, retryAt, (a, b) -> a.isAfter(b) ? a : b);
    }
}
