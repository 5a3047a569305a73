package dev.runnerscale.autoscaler.github;

import java.util.Optional;

/**
 * GitHub could not be reached, answered with a server error or an unreadable answer, timed out, or the circuit
 * breaker is open. GitHub's health is one for every credential: callers hold GitHub work for a while.
 *
 * <p>For calls that must not be repeated blindly (a job re-run), it also says whether the request left at all
 * ({@link #sent()}: false for an open circuit, credentials that could not be prepared, a connection never made) and
 * what GitHub answered, if it did ({@link #status()}).
 */
public class GitHubUnavailableException extends GitHubException {

    private final boolean sent;
    private final Integer status;

    public GitHubUnavailableException(String message, Throwable cause) {
        this(message, cause, true, null);
    }

    public GitHubUnavailableException(String message) {
        this(message, null, true, null);
    }

    /**
     * @param sent whether the request may have reached GitHub
     * @param status GitHub's answer, when it answered (a 5xx, or a 2xx whose body could not be read)
     */
    public GitHubUnavailableException(String message, Throwable cause, boolean sent, Integer status) {
        super(message, cause);
        this.sent = sent;
        this.status = status;
    }

    /** False when the request certainly never reached GitHub. */
    public boolean sent() {
        return sent;
    }

    /** GitHub's status code, when it answered. */
    public Optional<Integer> status() {
        return Optional.ofNullable(status);
    }
}
