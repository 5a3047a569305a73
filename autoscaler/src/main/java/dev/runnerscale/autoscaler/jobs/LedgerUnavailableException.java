package dev.runnerscale.autoscaler.jobs;

/** The ledger could not commit (database down, shutting down, timed out); nothing was acknowledged. */
public class LedgerUnavailableException extends RuntimeException {

    public LedgerUnavailableException(String message) {
        super(message);
    }

    public LedgerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
