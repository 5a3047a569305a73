package dev.runnerscale.autoscaler.github;

import java.util.Locale;

/**
 * GitHub is up and refused the request for a reason that waiting will not fix soon: 401 bad credentials, a 403
 * that is not a rate limit (a missing permission, a job that cannot be re-run), a 404 where the caller did not
 * declare one (an unknown organisation or repository, an App not installed there), 409, 422 (a bad runner group).
 * It concerns the request's pool or job, not GitHub's health: the circuit breaker counts it as a success, and callers
 * hold only that pool or job. The message carries the operation, the status and GitHub's {@code message}; never
 * credentials.
 */
public class GitHubRejectedException extends GitHubException {

    /** Why GitHub refused, as a bounded slug fit for a metric tag ({@link #slug()}). */
    public enum Reason {
        /** 400: GitHub could not read the request. */
        BAD_REQUEST,
        /** 401: the credentials are wrong, expired or revoked. */
        BAD_CREDENTIALS,
        /** 403 (not a rate limit): a missing permission, or an action GitHub does not allow on this object. */
        FORBIDDEN,
        /** 404: the organisation, repository or object is unknown, or invisible to these credentials. */
        NOT_FOUND,
        /** The GitHub App has no installation on the account (lookup 404) or its installation is gone. */
        NOT_INSTALLED,
        /** 409: a conflict, e.g. a runner name already registered. */
        CONFLICT,
        /** 422: validation failed, e.g. an unknown runner group. */
        UNPROCESSABLE,
        /** Any other refusal (3xx we do not follow, 405, 410, …). */
        OTHER;

        public String slug() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Reason of(int status) {
            return switch (status) {
                case 400 -> BAD_REQUEST;
                case 401 -> BAD_CREDENTIALS;
                case 403 -> FORBIDDEN;
                case 404 -> NOT_FOUND;
                case 409 -> CONFLICT;
                case 422 -> UNPROCESSABLE;
                default -> OTHER;
            };
        }
    }

    private final int status;
    private final Reason reason;
    private final String gitHubMessage;

    public GitHubRejectedException(String message, int status, Reason reason, String gitHubMessage) {
        super(message);
        this.status = status;
        this.reason = reason;
        this.gitHubMessage = gitHubMessage;
    }

    /** The HTTP status GitHub answered. */
    public int status() {
        return status;
    }

    public Reason reason() {
        return reason;
    }

    /** GitHub's own {@code message} (never a credential), or a short note when it sent none. */
    public String gitHubMessage() {
        return gitHubMessage;
    }
}
