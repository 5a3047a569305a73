package dev.runnerscale.autoscaler.github;

import java.util.Locale;

/** The bounded {@code outcome} tag of {@code runnerscale_github_requests_total}. */
public enum GitHubOutcome {
    /** GitHub answered as expected (2xx, or a documented refusal the caller handles, e.g. 422 busy runner). */
    SUCCESS,
    /** GitHub answered 404. */
    NOT_FOUND,
    /** GitHub rate-limited the call (403/429 per its rate-limit rules). */
    RATE_LIMITED,
    /** GitHub refused the request (401, 403 not a rate limit, 409, 422, …): {@link GitHubRejectedException}. */
    REJECTED,
    /** 5xx, I/O error, timeout or unreadable answer: {@link GitHubUnavailableException}. */
    ERROR,
    /** The circuit breaker is open: no request was sent. */
    CIRCUIT_OPEN,
    /** Our own gate (a pending GitHub wait) or rate limiter refused: no request was sent. */
    REFUSED;

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
