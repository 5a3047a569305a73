package dev.runnerscale.taskapi.tasks;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Tasks in PostgreSQL. Each write is ONE conditional upsert: it changes the row only when the incoming
 * {@code (client_ts, content_hash)} is greater than the stored one and the row belongs to the same owner. The
 * database serialises concurrent upserts on the row, so the rule holds across any number of instances without
 * locks in this process.
 */
@Repository
class TaskRepository {

    private static final String RETURNING = " RETURNING id, owner, title, description, status, priority, due_at,"
            + " created_at, updated_at, client_ts, content_hash, deleted, deleted_at, last_status";

    /*
     * Skips the upsert when the statement's snapshot already holds a version >= ours (or another owner's row):
     * a stale write or a replay then takes no row lock, so its transaction needs no WAL flush at commit. Versions
     * of a row only grow, so a write stale in the snapshot is stale for good; the ON CONFLICT condition (WINS)
     * stays the arbiter for writes that race.
     */
    private static final String NOT_ALREADY_STALE = " WHERE NOT EXISTS (SELECT 1 FROM tasks x"
            + " WHERE x.id = CAST(:id AS uuid) AND (x.owner <> CAST(:owner AS text)"
            + " OR (x.client_ts, x.content_hash) >= (CAST(:clientTs AS timestamptz), CAST(:hash AS bytea))))";

    private static final String WINS = " WHERE t.owner = EXCLUDED.owner"
            + " AND (t.client_ts, t.content_hash) < (EXCLUDED.client_ts, EXCLUDED.content_hash)";

    private final JdbcClient jdbc;

    TaskRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Creates or replaces the task if this write wins; empty when it lost (older, equal, or another owner's). */
    Optional<StoredTask> upsert(String owner, UUID id, Instant clientTs, TaskContent content, byte[] hash) {
        return jdbc.sql("""
                INSERT INTO tasks AS t (id, owner, title, description, status, priority, due_at, created_at,
                                        updated_at, client_ts, content_hash, deleted, deleted_at, last_status)
                SELECT CAST(:id AS uuid), CAST(:owner AS text), CAST(:title AS text), CAST(:description AS text),
                       CAST(:status AS text), CAST(:priority AS text), CAST(:dueAt AS timestamptz), now(), now(),
                       CAST(:clientTs AS timestamptz), CAST(:hash AS bytea), false, CAST(NULL AS timestamptz), 201
                """ + NOT_ALREADY_STALE + """
                ON CONFLICT (id) DO UPDATE SET
                    title = EXCLUDED.title, description = EXCLUDED.description, status = EXCLUDED.status,
                    priority = EXCLUDED.priority, due_at = EXCLUDED.due_at,
                    created_at = CASE WHEN t.deleted THEN EXCLUDED.created_at ELSE t.created_at END,
                    updated_at = EXCLUDED.updated_at, client_ts = EXCLUDED.client_ts,
                    content_hash = EXCLUDED.content_hash, deleted = false, deleted_at = NULL,
                    last_status = CASE WHEN t.deleted THEN 201 ELSE 200 END
                """ + WINS + RETURNING)
                .param("id", id)
                .param("owner", owner)
                .param("title", content.title())
                .param("description", content.description())
                .param("status", content.status().value())
                .param("priority", content.priority().value())
                .param("dueAt", utc(content.dueAt()))
                .param("clientTs", utc(clientTs))
                .param("hash", hash)
                .query(TaskRepository::row)
                .optional();
    }

    /** Turns the task into a tombstone (or records one for an id never seen) if this delete wins. */
    Optional<StoredTask> delete(String owner, UUID id, Instant clientTs) {
        return jdbc.sql("""
                INSERT INTO tasks AS t (id, owner, created_at, updated_at, client_ts, content_hash, deleted,
                                        deleted_at, last_status)
                SELECT CAST(:id AS uuid), CAST(:owner AS text), now(), now(), CAST(:clientTs AS timestamptz),
                       CAST(:hash AS bytea), true, now(), 204
                """ + NOT_ALREADY_STALE + """
                ON CONFLICT (id) DO UPDATE SET
                    title = NULL, description = NULL, status = NULL, priority = NULL, due_at = NULL,
                    updated_at = EXCLUDED.updated_at, client_ts = EXCLUDED.client_ts,
                    content_hash = EXCLUDED.content_hash, deleted = true, deleted_at = EXCLUDED.deleted_at,
                    last_status = 204
                """ + WINS + RETURNING)
                .param("id", id)
                .param("owner", owner)
                .param("clientTs", utc(clientTs))
                .param("hash", TaskContent.DELETE_HASH)
                .query(TaskRepository::row)
                .optional();
    }

    /** The row whoever owns it: only to explain why a write lost, never shown for another owner. */
    Optional<StoredTask> findAnyOwner(UUID id) {
        return jdbc.sql("SELECT * FROM tasks WHERE id = :id")
                .param("id", id)
                .query(TaskRepository::row)
                .optional();
    }

    Optional<Task> findLive(String owner, UUID id) {
        return jdbc.sql("SELECT * FROM tasks WHERE id = :id AND owner = :owner AND NOT deleted")
                .param("id", id)
                .param("owner", owner)
                .query(TaskRepository::row)
                .optional()
                .map(StoredTask::task);
    }

    /** One keyset page: rows strictly after {@code after} in the requested order, at most {@code limit}. */
    List<Task> list(String owner, @Nullable TaskStatus status, TaskSort sort, @Nullable TaskCursor after, int limit) {
        String expression = sort.field().sqlExpression();
        String direction = sort.ascending() ? "ASC" : "DESC";
        String comparison = sort.ascending() ? ">" : "<";
        StringBuilder sql = new StringBuilder("SELECT * FROM tasks WHERE owner = :owner AND NOT deleted");
        if (status != null) {
            sql.append(" AND status = :status");
        }
        if (after != null) {
            sql.append(" AND (")
                    .append(expression)
                    .append(", id) ")
                    .append(comparison)
                    .append(" (CAST(:key AS timestamptz), :afterId)");
        }
        sql.append(" ORDER BY ")
                .append(expression)
                .append(' ')
                .append(direction)
                .append(", id ")
                .append(direction)
                .append(" LIMIT :limit");
        JdbcClient.StatementSpec statement =
                jdbc.sql(sql.toString()).param("owner", owner).param("limit", limit);
        if (status != null) {
            statement = statement.param("status", status.value());
        }
        if (after != null) {
            statement = statement.param("key", after.key()).param("afterId", after.id());
        }
        return statement.query(TaskRepository::row).list().stream()
                .map(StoredTask::task)
                .toList();
    }

    /** Removes tombstones older than the retention; returns how many. */
    int purgeTombstones(Duration retention) {
        return jdbc.sql("DELETE FROM tasks WHERE deleted AND deleted_at < now() - CAST(:retention AS interval)")
                .param("retention", retention.toMillis() + " milliseconds")
                .update();
    }

    private static @Nullable OffsetDateTime utc(@Nullable Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static StoredTask row(ResultSet rs, int rowNum) throws SQLException {
        UUID id = rs.getObject("id", UUID.class);
        Instant clientTs = instant(rs, "client_ts");
        boolean deleted = rs.getBoolean("deleted");
        Task task = deleted
                ? null
                : new Task(
                        id,
                        rs.getString("title"),
                        rs.getString("description"),
                        TaskStatus.fromValue(rs.getString("status")),
                        TaskPriority.fromValue(rs.getString("priority")),
                        instant(rs, "due_at"),
                        instant(rs, "created_at"),
                        instant(rs, "updated_at"),
                        clientTs);
        Tombstone tombstone = deleted ? new Tombstone(id, clientTs, instant(rs, "deleted_at")) : null;
        return new StoredTask(
                id,
                rs.getString("owner"),
                clientTs,
                rs.getBytes("content_hash"),
                rs.getInt("last_status"),
                task,
                tombstone);
    }
}
