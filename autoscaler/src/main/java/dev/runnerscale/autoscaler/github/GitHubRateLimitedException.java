package dev.runnerscale.autoscaler.github;

import java.time.Instant;

/** GitHub rate-limited us (403/429); no call should be made before {@code retryAt}. */
public class GitHubRateLimitedException extends RuntimeException {

    private final Instant retryAt;

    public GitHubRateLimitedException(String message, Instant retryAt) {
        super(message);
        this.retryAt = retryAt;
    }

    public Instant retryAt() {
        return retryAt;
    }
}
