package dev.runnerscale.autoscaler.runners;

import dev.runnerscale.autoscaler.github.GitHubRateLimitedException;
import dev.runnerscale.autoscaler.github.GitHubRejectedException;
import dev.runnerscale.autoscaler.github.GitHubRunnerApi;
import dev.runnerscale.autoscaler.github.GitHubUnavailableException;
import dev.runnerscale.autoscaler.pools.PoolsProperties.GitHubScope;
import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every GitHub call of a pass goes through here, which decides who waits after a failure, by its kind:
 *
 * <ul>
 *   <li>a refusal (401, 403, 404, 422: a setting to fix) holds only the pools the call was for, with back-off, a
 *       Kubernetes Event, a log line and {@code runnerscale_pool_errors_total{pool,reason}};
 *   <li>a rate limit or an outage (5xx, timeout, open circuit) concerns the credential: every pool it serves waits
 *       until it may be used again (the github package knows each credential's rate-limit wait and the circuit; an
 *       outage adds a short pause here, so that one failing pass does not retry at once).
 * </ul>
 *
 * Nothing is retried here: the next pass is the only retry.
 */
final class GitHubCalls {

    private static final Logger log = LoggerFactory.getLogger(GitHubCalls.class);
    private static final Duration UNAVAILABLE_HOLD = Duration.ofSeconds(2);

    private final GitHubRunnerApi github;
    private final PoolHolds holds;
    private final RunnerEvents events;
    private final RunnerMetrics metrics;
    private final Clock clock;
    private final Map<String, Instant> credentialHolds = new ConcurrentHashMap<>();
    /** Per held pool, the kind of call GitHub refused ("register runner", "list runners", …). */
    private final Map<String, String> heldFor = new ConcurrentHashMap<>();

    GitHubCalls(GitHubRunnerApi github, PoolHolds holds, RunnerEvents events, RunnerMetrics metrics, Clock clock) {
        this.github = github;
        this.holds = holds;
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** One call on behalf of one pool; empty when it failed (the pool or its credential is then held). */
    <T> Optional<T> forPool(Pool pool, String what, Supplier<T> call) {
        return forPools(pool.github(), java.util.List.of(pool), what, call);
    }

    /** One call for a scope shared by several pools (a runner listing): a refusal holds each of them. */
    <T> Optional<T> forPools(GitHubScope scope, Collection<Pool> pools, String what, Supplier<T> call) {
        try {
            T result = call.get();
            pools.forEach(p -> clearGitHubHold(p.name(), kind(what)));
            return Optional.of(result);
        } catch (GitHubRejectedException e) {
            if (e.reason() == GitHubRejectedException.Reason.CONFLICT) {
                // A runner name registered twice (two replicas racing): not a setting to fix. The pod's registration
                // is redone under a fresh name by a later pass.
                log.info("GitHub answered a conflict to {}: {}", what, e.gitHubMessage());
                return Optional.empty();
            }
            String reason = "github_" + e.reason().slug();
            for (Pool pool : pools) {
                heldFor.put(pool.name(), kind(what));
                refused(pool, reason, "GitHub refused to " + what + " (HTTP " + e.status() + "): " + e.gitHubMessage());
            }
        } catch (GitHubRateLimitedException e) {
            holdCredential(scope, e.retryAt(), "rate-limited", e);
        } catch (GitHubUnavailableException e) {
            holdCredential(scope, clock.instant().plus(UNAVAILABLE_HOLD), "unavailable", e);
        }
        return Optional.empty();
    }

    /** A refusal of the pool's own call (GitHub or the API server): only this pool waits. */
    void refused(Pool pool, String reason, String detail) {
        Instant now = clock.instant();
        PoolHolds.Hold hold = holds.hold(pool.name(), reason, detail, now);
        metrics.poolError(pool.name(), reason);
        events.recordForPool(
                pool.name(),
                RunnerEvents.WARNING,
                "PoolHeld",
                "pool " + pool.name() + " held until " + hold.until() + ": " + detail);
        log.warn("pool {} held until {} ({}): {}", pool.name(), hold.until(), reason, detail);
    }

    /**
     * When the credential serving this scope may be used again, if not now: GitHub's own wait for it (a rate limit,
     * the open circuit; the github package keeps those per credential) or the short pause after an outage.
     */
    Optional<Instant> credentialHeldUntil(GitHubScope scope) {
        Instant local = credentialHolds.get(credential(scope));
        Optional<Instant> ours =
                local != null && clock.instant().isBefore(local) ? Optional.of(local) : Optional.empty();
        Optional<Instant> github = this.github.heldUntil(scope);
        if (ours.isEmpty()) {
            return github;
        }
        return github.filter(g -> g.isAfter(ours.get())).or(() -> ours);
    }

    /** When the pool may call GitHub again, if not now: its own hold or its credential's, whichever ends later. */
    Optional<Instant> heldUntil(Pool pool) {
        Instant now = clock.instant();
        Optional<Instant> own = holds.active(pool.name(), now)
                .filter(h -> h.reason().startsWith("github_"))
                .map(PoolHolds.Hold::until);
        Optional<Instant> credential = credentialHeldUntil(pool.github());
        if (own.isEmpty()) {
            return credential;
        }
        if (credential.isEmpty()) {
            return own;
        }
        return Optional.of(own.get().isAfter(credential.get()) ? own.get() : credential.get());
    }

    /**
     * Only a success of the kind of call GitHub refused lifts the hold: a runner listing that works says nothing of
     * a registration GitHub refuses (a missing permission, a runner group the pool may not use), and lifting the hold
     * on it would retry that registration every pass instead of backing off.
     */
    private void clearGitHubHold(String pool, String kind) {
        holds.last(pool)
                .filter(h -> h.reason().startsWith("github_"))
                .filter(h -> kind.equals(heldFor.get(pool)))
                .ifPresent(h -> {
                    holds.clear(pool);
                    heldFor.remove(pool);
                });
    }

    /** The kind of a call: its first two words ("register runner acme-web-3" → "register runner"). */
    static String kind(String what) {
        String[] words = what.split(" ", 3);
        return words.length < 2 ? what : words[0] + " " + words[1];
    }

    private void holdCredential(GitHubScope scope, Instant until, String why, RuntimeException e) {
        Instant held = credentialHolds.merge(
                credential(scope),
                until == null ? clock.instant().plus(UNAVAILABLE_HOLD) : until,
                (a, b) -> a.isAfter(b) ? a : b);
        log.warn("GitHub {} for {}: its GitHub work waits until {} ({})", why, scope.owner(), held, e.getMessage());
    }

    private static String credential(GitHubScope scope) {
        return scope.owner().toLowerCase(Locale.ROOT);
    }
}
