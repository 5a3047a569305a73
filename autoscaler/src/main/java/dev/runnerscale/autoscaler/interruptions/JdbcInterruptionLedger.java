package dev.runnerscale.autoscaler.interruptions;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Interruptions in PostgreSQL ({@code V3__costs.sql}): which nodes got a notice, which jobs were running there, and
 * the re-run claim. The claim is one conditional {@code UPDATE … WHERE rerun_requested_at IS NULL}: PostgreSQL's row
 * lock orders concurrent claimers and the loser re-evaluates the condition against the winner's committed row, so
 * exactly one thread of one replica gets {@code true}, however often the {@code completed} delivery arrives.
 */
public class JdbcInterruptionLedger {

    /** An interrupted job whose job ended and whose re-run has not been claimed. */
    public record PendingRerun(
            long jobId,
            String pool,
            String kind,
            String owner,
            String repository,
            boolean completed,
            String conclusion) {}

    private final JdbcTemplate jdbc;

    public JdbcInterruptionLedger(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    private static OffsetDateTime ts(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    /** Records a node's notice for a pool once; true when this call recorded it (count it then). */
    public boolean recordNodeNotice(String nodeName, String pool, NoticeKind kind, Instant at) {
        return jdbc.update(
                        "INSERT INTO node_interruptions (node_name, pool, kind, noticed_at) VALUES (?, ?, ?, ?)"
                                + " ON CONFLICT DO NOTHING",
                        nodeName,
                        pool,
                        kind.tag(),
                        ts(at))
                == 1;
    }

    /**
     * Records the job a busy runner is running as interrupted (by the runner's name, from the job ledger: the job
     * must be in progress). Returns the job id when this call recorded it.
     */
    public Optional<Long> recordInterruptedJob(
            String runnerName, String pool, String nodeName, NoticeKind kind, Instant at) {
        return jdbc.query("""
                        INSERT INTO job_interruptions (job_id, pool, node_name, kind, interrupted_at)
                        SELECT id, ?, ?, ?, ? FROM workflow_jobs WHERE runner_name = ? AND status_rank = 2
                        ON CONFLICT DO NOTHING
                        RETURNING job_id
                        """, (rs, n) -> rs.getLong(1), pool, nodeName, kind.tag(), ts(at), runnerName).stream()
                .findFirst();
    }

    /** Records a job as interrupted by id (a job known to run on the noticed node). */
    public boolean recordInterruptedJob(long jobId, String pool, String nodeName, NoticeKind kind, Instant at) {
        return jdbc.update(
                        "INSERT INTO job_interruptions (job_id, pool, node_name, kind, interrupted_at)"
                                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                        jobId,
                        pool,
                        nodeName,
                        kind.tag(),
                        ts(at))
                == 1;
    }

    /** Interrupted jobs that ended and have no re-run claim yet, oldest first. */
    public List<PendingRerun> unclaimed(int limit) {
        return jdbc.query(
                """
                SELECT i.job_id, i.pool, i.kind, j.owner, j.repository, j.status_rank = 3 AS completed, j.conclusion
                FROM job_interruptions i JOIN workflow_jobs j ON j.id = i.job_id
                WHERE i.rerun_requested_at IS NULL AND j.status_rank = 3
                ORDER BY i.interrupted_at, i.job_id
                LIMIT ?
                """,
                (rs, n) -> new PendingRerun(
                        rs.getLong("job_id"),
                        rs.getString("pool"),
                        rs.getString("kind"),
                        rs.getString("owner"),
                        rs.getString("repository"),
                        rs.getBoolean("completed"),
                        rs.getString("conclusion")),
                limit);
    }

    /** Claims the re-run of a job: true for exactly one caller. */
    public boolean claimRerun(long jobId, String reason, Instant at) {
        return jdbc.update(
                        "UPDATE job_interruptions SET rerun_requested_at = ?, rerun_reason = ?"
                                + " WHERE job_id = ? AND rerun_requested_at IS NULL",
                        ts(at),
                        reason,
                        jobId)
                == 1;
    }

    /** Marks a job that must never be re-run (it succeeded): claimed with outcome {@code not_needed}. */
    public void settleWithoutRerun(long jobId, String outcome, Instant at) {
        jdbc.update(
                "UPDATE job_interruptions SET rerun_requested_at = ?, rerun_outcome = ?, rerun_outcome_at = ?"
                        + " WHERE job_id = ? AND rerun_requested_at IS NULL",
                ts(at),
                outcome,
                ts(at),
                jobId);
    }

    public void recordOutcome(long jobId, String outcome, Instant at) {
        jdbc.update(
                "UPDATE job_interruptions SET rerun_outcome = ?, rerun_outcome_at = ? WHERE job_id = ?",
                outcome,
                ts(at),
                jobId);
    }

    /** Gives a claim back after a temporary failure, so that a later sweep asks GitHub again. */
    public void releaseClaim(long jobId) {
        jdbc.update(
                "UPDATE job_interruptions SET rerun_requested_at = NULL, rerun_reason = NULL"
                        + " WHERE job_id = ? AND rerun_outcome IS NULL",
                jobId);
    }

    /** The interruption of a job, for the API and tests: interrupted at, re-run requested at, outcome. */
    public Optional<Object[]> find(long jobId) {
        return jdbc
                .query(
                        "SELECT interrupted_at, rerun_requested_at, rerun_outcome FROM job_interruptions WHERE job_id = ?",
                        (rs, n) ->
                                new Object[] {instant(rs.getTimestamp(1)), instant(rs.getTimestamp(2)), rs.getString(3)
                                },
                        jobId)
                .stream()
                .findFirst();
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
