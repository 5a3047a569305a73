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
import java.util.concurrent.ConcurrentHashMap;

/**
 * GitHub's runner list per scope (an organisation, or one repository), shared by every pool of that scope: one
 * listing per scope per sync, not one per pool. Adaptive: every {@code githubSyncInterval} while a pool of the scope
 * is active (pods, registrations pending, jobs), every {@code githubIdleSyncInterval} when none is, and at the idle
 * pace too while the credential's remaining rate budget is under the reserve, so the budget left goes to registering
 * runners (registration never waits for a listing).
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

    private final GitHubRunnerApi github;
    private final GitHubCalls calls;
    private final RunnersProperties properties;
    private final RunnerNames names;
    private final Map<String, Listing> listings = new ConcurrentHashMap<>();

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
     * Lists the scope's runners when due. Returns the fresh listing, or empty when none was due or the call failed
     * (the pools or the credential are then held by {@link GitHubCalls}).
     *
     * @param pools every configured pool of the scope (a refusal holds all of them)
     * @param active whether a pool of the scope has pods, pending registrations or jobs
     */
    Optional<Listing> refreshIfDue(GitHubScope scope, Collection<Pool> pools, boolean active, Instant now) {
        if (github.dryRun() || calls.credentialHeldUntil(scope).isPresent()) {
            return Optional.empty();
        }
        if (!now.isBefore(nextDue(scope, active, now))) {
            Optional<List<RegisteredRunner>> listed =
                    calls.forPools(scope, pools, "list runners", () -> github.listRunners(scope));
            if (listed.isPresent()) {
                Listing listing = Listing.of(listed.get(), now, names);
                listings.put(scope.key(), listing);
                return Optional.of(listing);
            }
        }
        return Optional.empty();
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
