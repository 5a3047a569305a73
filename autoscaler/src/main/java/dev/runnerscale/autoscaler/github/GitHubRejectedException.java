package dev.runnerscale.autoscaler.github;

/**
 * GitHub refused a request for a reason that waiting will not fix soon (401 bad credentials, 403 missing
 * permission, 409, 422 validation). A subtype of {@link GitHubUnavailableException} so that callers of the ports,
 * which treat every failure as "retry on the next pass", need no extra branch; the message carries GitHub's
 * status and message (never credentials).
 */
public class GitHubRejectedException extends GitHubUnavailableException {

    private final int status;

    public GitHubRejectedException(String message, int status) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
