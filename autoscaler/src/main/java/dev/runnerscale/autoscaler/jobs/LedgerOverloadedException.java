package dev.runnerscale.autoscaler.jobs;

/** The ledger's write queue is full; the caller may retry later (answered 503 with {@code Retry-After}). */
public class LedgerOverloadedException extends RuntimeException {

    public LedgerOverloadedException(String message) {
        super(message);
    }
}
