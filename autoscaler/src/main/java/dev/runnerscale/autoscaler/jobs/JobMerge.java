package dev.runnerscale.autoscaler.jobs;

import java.time.Instant;
import java.util.Objects;

/**
 * The ledger's merge rules, in plain Java: the specification that {@link JdbcJobLedger}'s conditional upsert
 * mirrors. Every rule is a join (max, min, or, first non-null), so the result does not depend on the order in which
 * deliveries arrive, and merging pre-merged rows gives the same row as merging one observation at a time.
 *
 * <ul>
 *   <li>The status only moves forward ({@code waiting < queued < in_progress < completed}); a late {@code queued}
 *       after {@code completed} changes nothing.
 *   <li>Times are filled in as they become known (earliest known value wins). {@code started_at} is taken only from
 *       {@code in_progress} / {@code completed}: GitHub fills it with the creation time while a job is queued.
 *   <li>Runner fields are taken only from {@code in_progress} / {@code completed}, from the highest-ranked
 *       observation carrying them (GitHub's examples fill them in a queued payload).
 *   <li>The conclusion is taken only from {@code completed}; the first known one stays.
 *   <li>{@code lastDeliveryId} is the delivery that brought the current status (on a tie, the greater id), so it is
 *       order-independent too; receipt times are the earliest and the latest.
 *   <li>The pool is the one matched when the job was first recorded; a job refused once stays refused.
 * </ul>
 */
public final class JobMerge {

    private JobMerge() {}

    /** The row after applying {@code observation} to {@code current} (null when the ledger has no row yet). */
    public static LedgerJob merge(LedgerJob current, JobObservation observation, String pool, boolean refused) {
        LedgerJob incoming = firstRow(observation, pool, refused);
        return current == null ? incoming : combine(current, incoming);
    }

    /** The row a single observation makes on its own, with the fields it may not set cleared. */
    public static LedgerJob firstRow(JobObservation o, String pool, boolean refused) {
        boolean running = o.status().rank() >= JobStatus.IN_PROGRESS.rank();
        boolean completed = o.status() == JobStatus.COMPLETED;
        return new LedgerJob(
                o.jobId(),
                o.runId(),
                o.runAttempt(),
                o.owner(),
                o.repository(),
                o.workflowName(),
                o.jobName(),
                o.labels(),
                o.status(),
                completed ? o.conclusion() : null,
                o.createdAt(),
                running ? o.startedAt() : null,
                completed ? o.completedAt() : null,
                running ? o.runnerId() : null,
                running ? o.runnerName() : null,
                pool,
                refused,
                o.deliveryId(),
                o.receivedAt(),
                o.receivedAt());
    }

    /** Merges two rows of the same job; {@code current} is the one already stored. Associative. */
    public static LedgerJob combine(LedgerJob current, LedgerJob incoming) {
        if (current.id() != incoming.id()) {
            throw new IllegalArgumentException("cannot merge job " + incoming.id() + " into job " + current.id());
        }
        int currentRank = current.status().rank();
        int incomingRank = incoming.status().rank();
        boolean incomingHasRunner = incoming.runnerId() != null || incoming.runnerName() != null;
        boolean currentHasRunner = current.runnerId() != null || current.runnerName() != null;
        boolean takeRunner = incomingHasRunner && (!currentHasRunner || incomingRank > currentRank);
        String lastDeliveryId;
        if (incomingRank > currentRank) {
            lastDeliveryId = firstNonNull(incoming.lastDeliveryId(), current.lastDeliveryId());
        } else if (incomingRank < currentRank) {
            lastDeliveryId = firstNonNull(current.lastDeliveryId(), incoming.lastDeliveryId());
        } else {
            lastDeliveryId = greatest(current.lastDeliveryId(), incoming.lastDeliveryId());
        }
        return new LedgerJob(
                current.id(),
                current.runId(),
                current.runAttempt(),
                firstNonNull(current.owner(), incoming.owner()),
                firstNonNull(current.repository(), incoming.repository()),
                firstNonNull(current.workflowName(), incoming.workflowName()),
                firstNonNull(current.jobName(), incoming.jobName()),
                current.labels().isEmpty() ? incoming.labels() : current.labels(),
                currentRank >= incomingRank ? current.status() : incoming.status(),
                firstNonNull(current.conclusion(), incoming.conclusion()),
                earliest(current.queuedAt(), incoming.queuedAt()),
                earliest(current.startedAt(), incoming.startedAt()),
                earliest(current.completedAt(), incoming.completedAt()),
                takeRunner ? incoming.runnerId() : current.runnerId(),
                takeRunner ? incoming.runnerName() : current.runnerName(),
                firstNonNull(current.pool(), incoming.pool()),
                current.refused() || incoming.refused(),
                lastDeliveryId,
                earliest(current.firstReceivedAt(), incoming.firstReceivedAt()),
                latest(current.lastReceivedAt(), incoming.lastReceivedAt()));
    }

    /** Whether the job counts as demand for its pool: ours, not refused, and queued (waiting is not demand). */
    public static boolean isDemand(LedgerJob job) {
        return job.pool() != null && !job.refused() && job.status() == JobStatus.QUEUED;
    }

    private static <T> T firstNonNull(T a, T b) {
        return a != null ? a : b;
    }

    private static Instant earliest(Instant a, Instant b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return a.isBefore(b) ? a : b;
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return a.isAfter(b) ? a : b;
    }

    private static String greatest(String a, String b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return Objects.compare(a, b, String::compareTo) >= 0 ? a : b;
    }
}
