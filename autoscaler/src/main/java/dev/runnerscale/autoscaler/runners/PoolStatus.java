package dev.runnerscale.autoscaler.runners;

import java.time.Instant;

/**
 * The operator's view of one pool: desired and observed runners by state, the ledger's demand, limits, the last
 * scaling decision a reconcile pass applied (null on a replica that has not reconciled the pool) and why the pool is
 * held, if it is. {@code idle} and {@code busy} count registered runners only (pods with a GitHub runner id);
 * {@code unregistered} counts running pods GitHub does not know (dry run, or registration pending), which still
 * occupy capacity.
 */
public record PoolStatus(
        String name,
        int desired,
        long pending,
        long idle,
        long busy,
        long unregistered,
        long failed,
        long queued,
        long inProgress,
        int min,
        int max,
        LastDecision lastDecision,
        Hold hold) {

    public record LastDecision(int desired, String direction, String reason, Instant at) {}

    /**
     * Why the pool's GitHub or Kubernetes work waits.
     *
     * @param reason bounded slug ({@code github_forbidden}, {@code github_unprocessable}, {@code kubernetes_forbidden}…)
     * @param detail what was refused, in the words of the service that refused it
     * @param until when the pool tries again
     */
    public record Hold(String reason, String detail, Instant since, Instant until) {}

    PoolStatus withLastDecision(LastDecision last) {
        return new PoolStatus(
                name, desired, pending, idle, busy, unregistered, failed, queued, inProgress, min, max, last, hold);
    }
}
