package dev.runnerscale.autoscaler.github;

import java.io.IOException;
import java.util.Optional;
import org.kohsuke.github.GHRateLimit;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.GitHubAbuseLimitHandler;
import org.kohsuke.github.GitHubBuilder;
import org.kohsuke.github.GitHubRateLimitHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks the credentials once the application is ready with {@code GET /rate_limit} (free: it does not count
 * against the limit), through github-api, which has this call, over {@link GuardedGitHubConnector}. The outcome
 * is logged; it never stops the application, and a failure only means the first real call will tell again. It runs
 * with the personal access token or the pinned installation; a GitHub App that finds its installations per scope
 * has no credential to probe before the first scope is served, and the first installation lookup tells instead.
 */
public final class GitHubRateLimitProbe {

    private static final Logger log = LoggerFactory.getLogger(GitHubRateLimitProbe.class);

    private final GitHub gitHub;

    /** @param credential the credential to probe; empty: nothing to probe before the first scope is served */
    GitHubRateLimitProbe(
            GitHubProperties properties, GitHubHttp http, Optional<GitHubCredential> credential, JsonMapper json) {
        if (credential.isEmpty()) {
            this.gitHub = null;
            return;
        }
        try {
            // Anonymous for the library: our connector adds the authorisation. FAIL handlers: never sleep.
            this.gitHub = new GitHubBuilder()
                    .withEndpoint(properties.apiUrl().toString())
                    .withConnector(new GuardedGitHubConnector(http, GitHubOperation.RATE_LIMIT, credential.get(), json))
                    .withRateLimitHandler(GitHubRateLimitHandler.FAIL)
                    .withAbuseLimitHandler(GitHubAbuseLimitHandler.FAIL)
                    .build();
        } catch (IOException e) {
            throw new IllegalStateException("github-api client could not be built", e);
        }
    }

    /** The core rate limit as GitHub reports it now. */
    public GHRateLimit.Record coreLimit() {
        if (gitHub == null) {
            throw new IllegalStateException("no credential to probe without an installation lookup");
        }
        try {
            return gitHub.getRateLimit().getCore();
        } catch (IOException e) {
            throw new GitHubUnavailableException("GitHub rate_limit failed: " + e.getMessage(), e);
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    void checkOnceReady() {
        if (gitHub == null) {
            log.info("GitHub App installations are looked up per scope: the first lookup checks the credentials");
            return;
        }
        try {
            GHRateLimit.Record core = coreLimit();
            log.info(
                    "GitHub credentials accepted; core rate limit {}/{} remaining until {}",
                    core.getRemaining(),
                    core.getLimit(),
                    core.getResetDate().toInstant());
        } catch (GitHubException e) {
            log.warn("GitHub credentials check failed (the autoscaler keeps running): {}", e.getMessage());
        }
    }
}
