package dev.runnerscale.autoscaler.interruptions;

import java.util.Optional;

/**
 * When GitHub is asked to re-run a job: it was recorded as interrupted (its runner's node got a notice while the
 * job ran), it then ended {@code failure} or {@code cancelled}, and no re-run was requested for it before. The
 * last condition is made atomic across threads and replicas by the ledger's claim ({@code JdbcInterruptionLedger}):
 * this rule decides, the claim makes sure only one caller acts.
 */
public final class RerunRule {

    private RerunRule() {}

    /** What the rule needs of an interrupted job. */
    public record InterruptedJob(long jobId, boolean completed, String conclusion, boolean rerunRequested) {}

    /** The conclusion that makes the job eligible, or empty when it must not be re-run. */
    public static Optional<String> eligible(InterruptedJob job) {
        if (!job.completed() || job.rerunRequested() || job.conclusion() == null) {
            return Optional.empty();
        }
        return switch (job.conclusion()) {
            case "failure", "cancelled" -> Optional.of(job.conclusion());
            default -> Optional.empty();
        };
    }
}
