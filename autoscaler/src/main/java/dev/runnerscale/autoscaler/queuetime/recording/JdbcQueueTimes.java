package dev.runnerscale.autoscaler.queuetime.recording;

import dev.runnerscale.autoscaler.jobs.JobStatus;
import dev.runnerscale.autoscaler.queuetime.StuckReason;
import dev.runnerscale.autoscaler.queuetime.TimelineFacts.PodTimes;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.SqlParameterValue;

/**
 * The timeline columns of the job ledger ({@code V4__queue_time.sql}). Every write is a conditional statement that
 * the database decides, so two replicas, a repeated pass or a retried one change a job once: a stamp only where none
 * is, the pod stages and the claim only where no claim is, a stuck verdict only where none is. None of them runs on
 * the webhook intake's path.
 */
public class JdbcQueueTimes {

    private static final String COLUMNS = "id, pool, owner, repository, refused, status_rank, runner_name, queued_at,"
            + " first_received_at, last_received_at, demand_seen_at, runner_pod, pod_created_at, pod_scheduled_at,"
            + " pod_new_node, runner_registered_at, runner_started_at, started_at, completed_at, capacity_wait_ms,"
            + " timeline_recorded_at, stuck_reason, stuck_at";

    /**
     * Stamps the pool's queued jobs that no pass has stamped yet with the first of {@code passes} at or after their
     * last delivery (the delivery that made them queued): the pass that first could count them. Rows another
     * transaction holds (the intake moving the job on) are skipped, never waited for, and are taken by a later stamp;
     * rows are locked in id order like the intake's, so the two cannot deadlock.
     */
    private static final String STAMP_DEMAND_SEEN = """
            UPDATE workflow_jobs AS j
            SET demand_seen_at = (SELECT min(p::timestamptz) FROM unnest(?::text[]) AS p
                                  WHERE p::timestamptz >= j.last_received_at)
            FROM (SELECT id FROM workflow_jobs
                  WHERE pool = ? AND status_rank = 1 AND NOT refused AND demand_seen_at IS NULL
                    AND last_received_at <= ?
                  ORDER BY id
                  FOR UPDATE SKIP LOCKED) AS c
            WHERE j.id = c.id
            """;

    private final JdbcTemplate jdbc;
    private final RowMapper<JobTimes> mapper = JdbcQueueTimes::map;

    public JdbcQueueTimes(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** See {@link #STAMP_DEMAND_SEEN}; {@code passes} ascending, the last one the latest. Returns the rows stamped. */
    public int stampDemandSeen(String pool, List<Instant> passes) {
        if (passes.isEmpty()) {
            return 0;
        }
        String[] instants = passes.stream().map(Instant::toString).toArray(String[]::new);
        Instant latest = passes.get(passes.size() - 1);
        return jdbc.update(con -> {
            PreparedStatement ps = con.prepareStatement(STAMP_DEMAND_SEEN);
            ps.setArray(1, con.createArrayOf("text", instants));
            ps.setString(2, pool);
            ps.setObject(3, OffsetDateTime.ofInstant(latest, ZoneOffset.UTC));
            return ps;
        });
    }

    /** The job that ran on this runner (ephemeral: at most one). */
    public Optional<JobTimes> jobOnRunner(String runnerName) {
        return jdbc
                .query(
                        "SELECT " + COLUMNS + " FROM workflow_jobs WHERE runner_name = ? ORDER BY id LIMIT 1",
                        mapper,
                        runnerName)
                .stream()
                .findFirst();
    }

    public Optional<JobTimes> find(long jobId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM workflow_jobs WHERE id = ?", mapper, jobId).stream()
                .findFirst();
    }

    /**
     * Stores the job's runner pod stages and its capacity wait, and claims the job's stage samples: only where no
     * claim is yet. True for the one caller that stored them — the only one that may record the samples.
     */
    public boolean claim(long jobId, PodTimes pod, Duration capacityWait, Instant at) {
        return jdbc.update(
                        """
                        UPDATE workflow_jobs
                        SET runner_pod = ?, pod_created_at = ?, pod_scheduled_at = ?, pod_new_node = ?,
                            runner_registered_at = ?, runner_started_at = ?, capacity_wait_ms = ?,
                            timeline_recorded_at = ?
                        WHERE id = ? AND timeline_recorded_at IS NULL
                        """,
                        pod.podName(),
                        time(pod.createdAt()),
                        time(pod.scheduledAt()),
                        new SqlParameterValue(Types.BOOLEAN, pod.newNode()),
                        time(pod.registeredAt()),
                        time(pod.startedAt()),
                        new SqlParameterValue(Types.BIGINT, capacityWait == null ? null : capacityWait.toMillis()),
                        time(at),
                        jobId)
                == 1;
    }

    /** The pool's queued jobs, longest queued first (the candidates of the stuck-demand check). */
    public List<JobTimes> oldestQueued(String pool, int limit) {
        return jdbc.query(
                "SELECT " + COLUMNS + " FROM workflow_jobs WHERE pool = ? AND status_rank = 1 AND NOT refused"
                        + " ORDER BY COALESCE(demand_seen_at, last_received_at), id LIMIT ?",
                mapper,
                pool,
                limit);
    }

    /** Records the detector's verdict once: true for the caller that recorded it (who logs the job). */
    public boolean markStuck(long jobId, StuckReason reason, Instant at) {
        return jdbc.update(
                        "UPDATE workflow_jobs SET stuck_reason = ?, stuck_at = ?"
                                + " WHERE id = ? AND stuck_at IS NULL AND status_rank = 1",
                        reason.wire(),
                        time(at),
                        jobId)
                == 1;
    }

    /** Jobs of the pool still queued that the detector flagged, first flagged first. */
    public List<JobTimes> flaggedQueued(String pool, int limit) {
        return jdbc.query(
                "SELECT " + COLUMNS + " FROM workflow_jobs WHERE pool = ? AND status_rank = 1 AND NOT refused"
                        + " AND stuck_at IS NOT NULL ORDER BY stuck_at, id LIMIT ?",
                mapper,
                pool,
                limit);
    }

    /** The pool's jobs completed since {@code since} whose stages were recorded, most recent first. */
    public List<JobTimes> recentlyCompleted(String pool, Instant since, int limit) {
        return jdbc.query(
                "SELECT " + COLUMNS + " FROM workflow_jobs WHERE pool = ? AND completed_at >= ?"
                        + " AND timeline_recorded_at IS NOT NULL AND NOT refused ORDER BY completed_at DESC LIMIT ?",
                mapper,
                pool,
                time(since),
                limit);
    }

    private static SqlParameterValue time(Instant instant) {
        return new SqlParameterValue(
                Types.TIMESTAMP_WITH_TIMEZONE,
                instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
    }

    private static JobTimes map(ResultSet rs, int row) throws SQLException {
        long capacity = rs.getLong("capacity_wait_ms");
        Long capacityMs = rs.wasNull() ? null : capacity;
        boolean newNode = rs.getBoolean("pod_new_node");
        Boolean podNewNode = rs.wasNull() ? null : newNode;
        return new JobTimes(
                rs.getLong("id"),
                rs.getString("pool"),
                rs.getString("owner"),
                rs.getString("repository"),
                rs.getBoolean("refused"),
                JobStatus.values()[rs.getInt("status_rank")],
                rs.getString("runner_name"),
                instant(rs, "queued_at"),
                instant(rs, "first_received_at"),
                instant(rs, "last_received_at"),
                instant(rs, "demand_seen_at"),
                rs.getString("runner_pod"),
                instant(rs, "pod_created_at"),
                instant(rs, "pod_scheduled_at"),
                podNewNode,
                instant(rs, "runner_registered_at"),
                instant(rs, "runner_started_at"),
                instant(rs, "started_at"),
                instant(rs, "completed_at"),
                capacityMs,
                instant(rs, "timeline_recorded_at"),
                rs.getString("stuck_reason"),
                instant(rs, "stuck_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
