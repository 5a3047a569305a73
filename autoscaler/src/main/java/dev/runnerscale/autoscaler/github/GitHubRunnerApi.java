package dev.runnerscale.autoscaler.github;

import dev.runnerscale.autoscaler.pools.PoolsProperties.GitHubScope;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * GitHub's self-hosted runner endpoints, as the reconciler needs them, for any number of scopes (organisations and
 * repositories, each served by its own credential: the owner's App installation, or the personal access token).
 * Implementations guard every call (the credential's rate-limit wait, the circuit breaker, our pace limiter) and do
 * not retry: the next reconcile pass is the retry. Failures surface by kind ({@link GitHubException}):
 *
 * <ul>
 *   <li>{@link GitHubRejectedException}: this scope's request was refused (bad runner group, missing permission,
 *       App not installed on the owner, unknown organisation): hold only the pools of this scope;
 *   <li>{@link GitHubRateLimitedException}: the scope's credential must wait until {@code retryAt}: hold the work of
 *       every scope served by that credential ({@link #heldUntil} says when each may go on);
 *   <li>{@link GitHubUnavailableException}: GitHub is unhealthy or unreachable: hold GitHub work for a while.
 * </ul>
 */
public interface GitHubRunnerApi {

    /**
     * Registers a just-in-time runner ({@code POST …/actions/runners/generate-jitconfig}) with the given name and
     * labels in the scope's runner group.
     *
     * @throws UnsupportedOperationException in a dry run ({@link #dryRun()}): callers check {@code dryRun()} first
     *     and show the registration as skipped, so that no runner is ever fabricated
     */
    JitRunner createJitRunner(GitHubScope scope, String runnerName, List<String> labels);

    /**
     * All self-hosted runners of the scope: one paginated listing ({@code GET …/actions/runners?per_page=100}, one
     * request per 100 runners, following GitHub's {@code Link: rel="next"}).
     */
    List<RegisteredRunner> listRunners(GitHubScope scope);

    /** Removes a runner ({@code DELETE …/actions/runners/{id}}); GitHub refuses a busy one. */
    RunnerRemoval removeRunner(GitHubScope scope, long runnerId);

    /**
     * Until when calls for {@code scope} will not be sent, without asking GitHub: the rate-limit wait of the
     * credential serving the scope, or the open circuit breaker, whichever ends later. Empty when a call may go now.
     * When the next call would first need the App's own credential (the scope's installation is not known yet, or its
     * token must be minted), the App's wait counts too. A dry run answers empty.
     */
    Optional<Instant> heldUntil(GitHubScope scope);

    /**
     * The budget of the credential serving {@code scope} as GitHub's {@code X-RateLimit-*} headers last reported it;
     * empty before any answer to that credential (or before its installation is known), and in a dry run. Scopes
     * served by the same credential (pools of one organisation, with a personal access token every scope) share one
     * budget.
     */
    Optional<RateBudget> budget(GitHubScope scope);

    /**
     * True when no credentials are configured: nothing is sent to GitHub and registration is reported as skipped
     * (never as a fabricated success).
     */
    boolean dryRun();

    /** A runner GitHub registered for us; {@code encodedJitConfig} is a secret and must never be logged. */
    record JitRunner(long runnerId, String name, String encodedJitConfig) {
        @Override
        public String toString() {
            return "JitRunner[runnerId=" + runnerId + ", name=" + name + ", encodedJitConfig=<redacted>]";
        }
    }

    /** A runner as GitHub lists it: {@code status} is {@code online} or {@code offline}. */
    record RegisteredRunner(long id, String name, String status, boolean busy, List<String> labels) {
        public RegisteredRunner {
            labels = List.copyOf(labels);
        }
    }

    enum RunnerRemoval {
        /** GitHub removed the runner. */
        REMOVED,
        /** GitHub does not know the runner (already gone): as good as removed. */
        NOT_FOUND,
        /** GitHub refused because the runner is running a job: keep it and its pod. */
        BUSY
    }
}
