package dev.runnerscale.autoscaler.github;

/**
 * GitHub could not be reached, answered with a server error or an unreadable answer, timed out, or the circuit
 * breaker is open. GitHub's health is one for every credential: callers hold GitHub work for a while.
 */
public class GitHubUnavailableException extends GitHubException {

    public GitHubUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public GitHubUnavailableException(String message) {
        super(message);
    }
}
