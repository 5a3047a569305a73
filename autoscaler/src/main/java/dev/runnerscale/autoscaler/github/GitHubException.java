package dev.runnerscale.autoscaler.github;

/**
 * A GitHub call did not give the answer the caller asked for. The subtype says what the caller should hold:
 *
 * <ul>
 *   <li>{@link GitHubUnavailableException}: GitHub is unhealthy or unreachable (5xx, I/O error, timeout, unreadable
 *       answer, open circuit) — hold the credential's work for a while; a later pass is the retry;
 *   <li>{@link GitHubRateLimitedException}: the credential may not be used before {@code retryAt} — hold every call
 *       made with that credential until then;
 *   <li>{@link GitHubRejectedException}: GitHub is up and refused this request (bad credentials, a missing
 *       permission, an unknown organisation, a bad runner group, an App not installed) — hold only the pool or job
 *       the request was for; waiting a little will not fix it.
 * </ul>
 *
 * Messages carry GitHub's own {@code message}, never credentials.
 */
public abstract class GitHubException extends RuntimeException {

    protected GitHubException(String message) {
        super(message);
    }

    protected GitHubException(String message, Throwable cause) {
        super(message, cause);
    }
}
