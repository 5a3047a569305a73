package dev.runnerscale.autoscaler.github;

import dev.runnerscale.autoscaler.pools.PoolsProperties.GitHubScope;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * No credentials: nothing is sent to GitHub and nothing is pretended. Registration is unsupported (callers check
 * {@link #dryRun()} and show it as skipped); GitHub holds no runner of ours, so the list is empty and a removal
 * finds nothing.
 */
final class DryRunGitHubRunnerApi implements GitHubRunnerApi {

    @Override
    public JitRunner createJitRunner(GitHubScope scope, String runnerName, List<String> labels) {
        throw new UnsupportedOperationException(
                "GitHub dry run: no credentials configured (runnerscale.github.*), runner " + runnerName
                        + " cannot be registered; check dryRun() first");
    }

    @Override
    public List<RegisteredRunner> listRunners(GitHubScope scope) {
        return List.of();
    }

    @Override
    public RunnerRemoval removeRunner(GitHubScope scope, long runnerId) {
        return RunnerRemoval.NOT_FOUND;
    }

    @Override
    public Optional<Instant> heldUntil(GitHubScope scope) {
        return Optional.empty();
    }

    @Override
    public Optional<RateBudget> budget(GitHubScope scope) {
        return Optional.empty();
    }

    @Override
    public boolean dryRun() {
        return true;
    }
}
