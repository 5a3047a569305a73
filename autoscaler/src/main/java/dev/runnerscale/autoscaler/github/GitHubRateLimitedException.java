package dev.runnerscale.autoscaler.github;

import java.time.Instant;
import java.util.Optional;

/**
 * GitHub rate-limited a credential (403/429), or our own gate or pace limiter refused to send: no call with that
 * credential should be made before {@code retryAt}.
 */
public class GitHubRateLimitedException extends GitHubException {

    private final Instant retryAt;
    private final String credential;

    /**
     * @param credential the public id of the credential GitHub limited ({@code installation/42}, {@code token},
     *     {@code app}); null when our own pace limiter refused, which paces every credential alike
     */
    public GitHubRateLimitedException(String message, Instant retryAt, String credential) {
        super(message);
        this.retryAt = retryAt;
        this.credential = credential;
    }

    public Instant retryAt() {
        return retryAt;
    }

    /**
     * The credential whose calls must wait (never a secret: {@code installation/42}, {@code token}, {@code app});
     * empty when the wait applies to every call (our own pace limiter).
     */
    public Optional<String> credential() {
        return Optional.ofNullable(credential);
    }
}
