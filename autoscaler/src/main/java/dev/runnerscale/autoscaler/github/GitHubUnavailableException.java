package dev.runnerscale.autoscaler.github;

/** GitHub could not be reached or answered with a server error, or the circuit breaker is open. */
public class GitHubUnavailableException extends RuntimeException {

    public GitHubUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public GitHubUnavailableException(String message) {
        super(message);
    }
}
