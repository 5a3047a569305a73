package dev.runnerscale.autoscaler.runners;

import dev.runnerscale.autoscaler.github.GitHubRunnerApi;
import dev.runnerscale.autoscaler.github.GitHubRunnerApi.RegisteredRunner;
import dev.runnerscale.autoscaler.pools.PoolsProperties.GitHubScope;
import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GitHub's runner list per scope (an organisation, or one repository), shared by every pool of that scope: one
 * listing per scope per sync, not one per pool. Adaptive: every {@code githubSyncInterval} while a pool of the scope
 * is active (pods, registrations pending, jobs), every {@code githubIdleSyncInterval} when none is, and at the idle
 * pace too while the credential's remaining rate budget is under the reserve, so the budget left goes to registering
 * runners (registration never waits for a listing).
 *
 * <p>A listing is taken off the pass's thread when the reconcile loop runs ({@link #listOn}): an organisation's runners
 * come in pages of 100, each a round trip to GitHub, and a pass waiting for them would hold back pod creation for
 * every new job meanwhile. The pass that follows a listing's arrival gets it once as fresh ({@link #refreshIfDue}) and
 * sweeps with it; until then passes go on with the scope's previous listing.
 */
final class GitHubRunnerListings {

    /**
     * The last listing of a scope and when it was taken, with its runners of ours by pool (each name parsed once per
     * listing, not once per pool and pass).
     */
    record Listing(List<RegisteredRunner> runners, Instant at, Map<String, Map<String, RegisteredRunner>> byPool) {

        static Listing of(List<RegisteredRunner> runners, Instant at, RunnerNames names) {
            Map<String, Map<String, RegisteredRunner>> byPool = new java.util.HashMap<>();
            for (RegisteredRunner runner : runners) {
                names.parse(runner.name())
                        .ifPresent(parsed -> byPool.computeIfAbsent(parsed.pool(), p -> new java.util.HashMap<>())
                                .put(runner.name(), runner));
            }
            return new Listing(List.copyOf(runners), at, byPool);
        }

        /** The pool's runners of ours, by name. */
        Map<String, RegisteredRunner> of(String pool) {
            return byPool.getOrDefault(pool, Map.of());
        }
    }

    private static final Logger log = LoggerFactory.getLogger(GitHubRunnerListings.class);

    private final GitHubRunnerApi github;
    private final GitHubCalls calls;
    private final RunnersProperties properties;
    private final RunnerNames names;
    private final Map<String, Listing> listings = new ConcurrentHashMap<>();
    /** Listings that arrived since a pass last took them as fresh, by scope. */
    private final Map<String, Listing> arrived = new ConcurrentHashMap<>();

    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private volatile Executor executor = Runnable::run;
    private volatile Runnable onArrival = () -> {};

    GitHubRunnerListings(GitHubRunnerApi github, GitHubCalls calls, RunnersProperties properties, RunnerNames names) {
        this.names = names;
        this.github = github;
        this.calls = calls;
        this.properties = properties;
    }

    /** The scope's last listing, if any was taken. */
    Optional<Listing> last(GitHubScope scope) {
        return Optional.ofNullable(listings.get(scope.key()));
    }

    /**
     * Lists on {@code executor} from now on, and calls {@code onArrival} when a listing has ended (to run the pass that
     * sweeps with it, or that sees the hold a failure left). Without this, a listing is taken on the caller's thread, inside the pass.
     */
    void listOn(Executor executor, Runnable onArrival) {
        this.onArrival = onArrival;
        this.executor = executor;
    }

    /** Back to listing inside the pass (the loop stopped: its executor is gone). */
    void listInPass() {
        this.executor = Runnable::run;
        this.onArrival = () -> {};
    }

    /**
     * Starts a listing of the scope's runners when one is due and none is under way. Returns the listing that arrived
     * since the last call, once (with the direct executor, the one just taken), or empty when none did or the call
     * failed (the pools or the credential are then held by {@link GitHubCalls}).
     *
     * @param pools every configured pool of the scope (a refusal holds all of them)
     * @param active whether a pool of the scope has pods, pending registrations or jobs
     */
    Optional<Listing> refreshIfDue(GitHubScope scope, Collection<Pool> pools, boolean active, Instant now) {
        if (!github.dryRun()
                && calls.credentialHeldUntil(scope).isEmpty()
                && !now.isBefore(nextDue(scope, active, now))
                && inFlight.add(scope.key())) {
            List<Pool> ofScope = List.copyOf(pools);
            try {
                executor.execute(() -> list(scope, ofScope, now));
            } catch (RejectedExecutionException e) {
                inFlight.remove(scope.key()); // the loop is stopping
            }
        }
        return Optional.ofNullable(arrived.remove(scope.key()));
    }

    /** Whether a listing of the scope is under way (its arrival runs the next pass: no requeue for it). */
    boolean listing(GitHubScope scope) {
        return inFlight.contains(scope.key());
    }

    private void list(GitHubScope scope, List<Pool> pools, Instant requested) {
        try {
            Optional<List<RegisteredRunner>> runners =
                    calls.forPools(scope, pools, "list runners", () -> github.listRunners(scope));
            if (runners.isPresent()) {
                // stamped with the request's instant: the pods the sweep compares it with are read after it
                Listing listing = Listing.of(runners.get(), requested, names);
                listings.put(scope.key(), listing);
                arrived.put(scope.key(), listing);
            }
        } catch (RuntimeException e) {
            log.warn("listing the runners of {} failed: {}", scope.key(), e.toString());
        } finally {
            inFlight.remove(scope.key());
        }
        // a failed listing wakes the loop too: the pools or the credential are held now, which sets the next pass
        onArrival.run();
    }

    /** When the scope's next listing is due. */
    Instant nextDue(GitHubScope scope, boolean active, Instant now) {
        Listing last = listings.get(scope.key());
        if (last == null) {
            return now;
        }
        Duration interval =
                active && !budgetLow(scope) ? properties.githubSyncInterval() : properties.githubIdleSyncInterval();
        return last.at().plus(interval);
    }

    private boolean budgetLow(GitHubScope scope) {
        return github.budget(scope)
                .map(b -> b.limit() > 0 && b.remaining() < b.limit() * properties.githubBudgetReserve())
                .orElse(false);
    }
}
