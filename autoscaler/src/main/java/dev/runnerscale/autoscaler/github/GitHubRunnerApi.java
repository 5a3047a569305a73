package dev.runnerscale.autoscaler.github;

import dev.runnerscale.autoscaler.pools.PoolsProperties.GitHubScope;
import java.util.List;

/**
 * GitHub's self-hosted runner endpoints, as the reconciler needs them. Implementations guard every call (circuit
 * breaker, rate limiter, waits from {@code Retry-After} / {@code X-RateLimit-Reset}) and do not retry: the next
 * reconcile pass is the retry. Failures surface as {@link GitHubUnavailableException} or
 * {@link GitHubRateLimitedException}.
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

    /** All self-hosted runners of the scope (every page). */
    List<RegisteredRunner> listRunners(GitHubScope scope);

    /** Removes a runner ({@code DELETE …/actions/runners/{id}}); GitHub refuses a busy one. */
    RunnerRemoval removeRunner(GitHubScope scope, long runnerId);

    /**
     * True when no credentials are configured: nothing is sent to GitHub and registration is reported as skipped
     * (never as a fabricated success).
     */
    boolean dryRun();

    /** The rate budget last seen for the credential serving this scope (placeholder until per-credential budgets). */
    default java.util.Optional<RateBudget> budget(GitHubScope scope) {
        return java.util.Optional.empty();
    }

    /** A credential's rate limit as GitHub's {@code X-RateLimit-*} headers last reported it. */
    record RateBudget(String credential, long limit, long remaining, java.time.Instant resetAt) {}

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
