package dev.runnerscale.autoscaler.jobs;

import dev.runnerscale.autoscaler.pools.PoolMatcher;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The job ledger on PostgreSQL. Every write goes through one conditional upsert that is the SQL image of
 * {@link JobMerge#combine}: GREATEST for the status rank, LEAST for times, first non-null for the rest. The row lock
 * taken by {@code ON CONFLICT DO UPDATE} orders concurrent writers of one job, so replicas converge without explicit
 * locking, and the returned previous rank tells which write moved the job (counted once, wherever it happened).
 * Events and metrics are emitted only after the commit returned.
 */
@Repository
public class JdbcJobLedger implements JobLedger {

    private static final Logger log = LoggerFactory.getLogger(JdbcJobLedger.class);
    private static final int ATTEMPTS = 3;
    private static final TypeReference<List<String>> LABELS = new TypeReference<>() {};

    private static final String UPSERT = """
            INSERT INTO workflow_jobs AS j (id, run_id, run_attempt, owner, repository, workflow_name, job_name,
                labels, status_rank, conclusion, queued_at, started_at, completed_at, runner_id, runner_name, pool,
                refused, last_delivery_id, first_received_at, last_received_at, prev_status_rank)
            SELECT u.id, u.run_id, u.run_attempt, u.owner, u.repository, u.workflow_name, u.job_name,
                u.labels::jsonb, u.status_rank, u.conclusion, u.queued_at::timestamptz, u.started_at::timestamptz,
                u.completed_at::timestamptz, u.runner_id, u.runner_name, u.pool, u.refused, u.last_delivery_id,
                u.first_received_at::timestamptz, u.last_received_at::timestamptz, -1
            FROM unnest(?::int8[], ?::int8[], ?::int4[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                ?::int2[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int8[], ?::text[], ?::text[], ?::bool[],
                ?::text[], ?::text[], ?::text[])
              AS u(id, run_id, run_attempt, owner, repository, workflow_name, job_name, labels, status_rank,
                conclusion, queued_at, started_at, completed_at, runner_id, runner_name, pool, refused,
                last_delivery_id, first_received_at, last_received_at)
            %s
            ORDER BY u.id
            ON CONFLICT (id) DO UPDATE SET
                prev_status_rank = j.status_rank,
                status_rank = GREATEST(j.status_rank, EXCLUDED.status_rank),
                owner = COALESCE(j.owner, EXCLUDED.owner),
                repository = COALESCE(j.repository, EXCLUDED.repository),
                workflow_name = COALESCE(j.workflow_name, EXCLUDED.workflow_name),
                job_name = COALESCE(j.job_name, EXCLUDED.job_name),
                labels = CASE WHEN jsonb_array_length(j.labels) = 0 THEN EXCLUDED.labels ELSE j.labels END,
                conclusion = COALESCE(j.conclusion, EXCLUDED.conclusion),
                queued_at = LEAST(j.queued_at, EXCLUDED.queued_at),
                started_at = LEAST(j.started_at, EXCLUDED.started_at),
                completed_at = LEAST(j.completed_at, EXCLUDED.completed_at),
                runner_id = CASE WHEN (EXCLUDED.runner_id IS NOT NULL OR EXCLUDED.runner_name IS NOT NULL)
                        AND ((j.runner_id IS NULL AND j.runner_name IS NULL) OR EXCLUDED.status_rank > j.status_rank)
                    THEN EXCLUDED.runner_id ELSE j.runner_id END,
                runner_name = CASE WHEN (EXCLUDED.runner_id IS NOT NULL OR EXCLUDED.runner_name IS NOT NULL)
                        AND ((j.runner_id IS NULL AND j.runner_name IS NULL) OR EXCLUDED.status_rank > j.status_rank)
                    THEN EXCLUDED.runner_name ELSE j.runner_name END,
                pool = COALESCE(j.pool, EXCLUDED.pool),
                refused = j.refused OR EXCLUDED.refused,
                last_delivery_id = CASE
                    WHEN EXCLUDED.status_rank > j.status_rank THEN COALESCE(EXCLUDED.last_delivery_id, j.last_delivery_id)
                    WHEN EXCLUDED.status_rank < j.status_rank THEN COALESCE(j.last_delivery_id, EXCLUDED.last_delivery_id)
                    ELSE GREATEST(j.last_delivery_id, EXCLUDED.last_delivery_id) END,
                first_received_at = LEAST(j.first_received_at, EXCLUDED.first_received_at),
                last_received_at = GREATEST(j.last_received_at, EXCLUDED.last_received_at)
            RETURNING %s
            """;

    /** What the intake needs back: the transition, not the row (no labels to decode on the hot path). */
    private static final String TRANSITION =
            "j.prev_status_rank, j.status_rank, j.pool, j.refused, j.conclusion, j.queued_at, j.started_at,"
                    + " j.completed_at";

    private static final String INSERT_ALL = UPSERT.formatted("", TRANSITION);

    private static final String UPDATE_EXISTING =
            UPSERT.formatted("WHERE EXISTS (SELECT 1 FROM workflow_jobs w WHERE w.id = u.id)", "j.*");

    private static final String INSERT_DELIVERIES = """
            INSERT INTO webhook_deliveries (delivery_id, event, action, job_id, received_at, outcome)
            SELECT u.delivery_id, 'workflow_job', u.action, u.job_id, u.received_at::timestamptz, u.outcome
            FROM unnest(?::text[], ?::text[], ?::int8[], ?::text[], ?::text[])
              AS u(delivery_id, action, job_id, received_at, outcome)
            ORDER BY u.delivery_id
            ON CONFLICT (delivery_id) DO NOTHING
            RETURNING delivery_id
            """;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final PoolMatcher matcher;
    private final PoolsProperties pools;
    private final JsonMapper json;
    private final ApplicationEventPublisher events;
    private final JobMetrics metrics;
    private final RowMapper<LedgerJob> jobMapper = this::mapJob;
    private final RowMapper<AppliedChange> changeMapper = JdbcJobLedger::mapChange;

    /** A row and the transition that produced it (corrections and expiry, which return the row). */
    private record Rewritten(LedgerJob job, AppliedChange change) {}

    private final RowMapper<Rewritten> rewrittenMapper =
            (rs, rowNum) -> new Rewritten(mapJob(rs, rowNum), mapChange(rs, rowNum));

    JdbcJobLedger(
            JdbcTemplate jdbc,
            TransactionTemplate transactions,
            PoolMatcher matcher,
            PoolsProperties pools,
            JsonMapper json,
            ApplicationEventPublisher events,
            JobMetrics metrics) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.matcher = matcher;
        this.pools = pools;
        this.json = json;
        this.events = events;
        this.metrics = metrics;
    }

    /**
     * Records a batch of deliveries atomically: new delivery ids are merged into their jobs (several deliveries of
     * one job in arrival order), known ones are duplicates and change nothing. Returns one outcome per delivery, in
     * order, after the commit.
     *
     * <p>One transaction, two statements: the delivery ids first ({@code ON CONFLICT DO NOTHING RETURNING} says which
     * are new, decided by the unique index, so the plan never depends on table statistics), then the jobs merged
     * from exactly those. A delivery id and the job change it caused commit together or not at all, so a crash
     * between them cannot leave a delivery that counts as seen but was never merged.
     */
    public List<DeliveryOutcome> record(List<JobDelivery> deliveries) {
        if (deliveries.isEmpty()) {
            return List.of();
        }
        // a delivery id repeated inside the batch is a duplicate of its first occurrence
        Map<String, JobDelivery> firstById = new LinkedHashMap<>();
        for (JobDelivery d : deliveries) {
            firstById.putIfAbsent(d.deliveryId(), d);
        }
        List<JobDelivery> unique = new ArrayList<>(firstById.values());
        Written written = retrying(() -> transactions.execute(status -> recordInTransaction(unique)));
        afterCommit(written.changes());
        Set<String> counted = new HashSet<>();
        List<DeliveryOutcome> outcomes = new ArrayList<>(deliveries.size());
        for (JobDelivery d : deliveries) {
            boolean fresh = written.fresh().contains(d.deliveryId()) && counted.add(d.deliveryId());
            outcomes.add(fresh ? DeliveryOutcome.RECORDED : DeliveryOutcome.DUPLICATE);
        }
        return outcomes;
    }

    private record Written(Set<String> fresh, List<AppliedChange> changes) {}

    private static Map<Long, LedgerJob> mergeByJob(List<JobDelivery> deliveries, Set<String> only) {
        Map<Long, LedgerJob> merged = new HashMap<>();
        for (JobDelivery d : deliveries) {
            if (only.contains(d.deliveryId())) {
                LedgerJob row = JobMerge.firstRow(d.observation(), d.pool(), d.refused());
                merged.merge(row.id(), row, JobMerge::combine);
            }
        }
        return merged;
    }

    private Written recordInTransaction(List<JobDelivery> deliveries) {
        Set<String> fresh = insertDeliveries(deliveries);
        List<AppliedChange> changes = upsert(mergeByJob(deliveries, fresh).values(), INSERT_ALL, changeMapper);
        return new Written(fresh, changes);
    }

    @Override
    public Optional<LedgerJob> find(long jobId) {
        return jdbc.query("SELECT * FROM workflow_jobs WHERE id = ?", jobMapper, jobId).stream()
                .findFirst();
    }

    @Override
    public Map<String, PoolJobCounts> countsByPool() {
        Map<String, PoolJobCounts> counts = new LinkedHashMap<>();
        pools.pools().forEach(p -> counts.put(p.name(), PoolJobCounts.empty(p.name())));
        jdbc.query("""
                SELECT pool,
                       count(*) FILTER (WHERE status_rank = 0) AS waiting,
                       count(*) FILTER (WHERE status_rank = 1) AS queued,
                       count(*) FILTER (WHERE status_rank = 2) AS in_progress
                FROM workflow_jobs
                WHERE status_rank < 3 AND NOT refused AND pool IS NOT NULL
                GROUP BY pool
                """, rs -> {
            String pool = rs.getString("pool");
            if (counts.containsKey(pool)) { // a pool removed from the configuration is no longer served
                counts.put(
                        pool,
                        new PoolJobCounts(
                                pool, rs.getLong("waiting"), rs.getLong("queued"), rs.getLong("in_progress")));
            }
        });
        return counts;
    }

    @Override
    public List<LedgerJob> unfinishedSince(Instant cutoff, int limit) {
        return jdbc.query("""
                        SELECT * FROM workflow_jobs
                        WHERE status_rank IN (1, 2) AND NOT refused AND pool IS NOT NULL AND last_received_at < ?
                        ORDER BY last_received_at, id
                        LIMIT ?
                        """, jobMapper, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC), limit);
    }

    @Override
    public List<LedgerJob> stuckJobs(Instant now, int limit) {
        return jdbc.query("""
                        SELECT * FROM workflow_jobs
                        WHERE status_rank = 1 AND NOT refused AND pool IS NOT NULL AND stuck_at <= ?
                        ORDER BY stuck_at, id
                        LIMIT ?
                        """, jobMapper, OffsetDateTime.ofInstant(now, ZoneOffset.UTC), limit);
    }

    @Override
    public List<RunningJob> inProgressJobs() {
        return jdbc.query("""
                SELECT pool, runner_name FROM workflow_jobs
                WHERE status_rank = 2 AND NOT refused AND pool IS NOT NULL
                """, (rs, n) -> new RunningJob(rs.getString("pool"), rs.getString("runner_name")));
    }

    @Override
    public Set<String> runnersThatTookJobs(Collection<String> runnerNames) {
        if (runnerNames.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(jdbc.queryForList(
                "SELECT DISTINCT runner_name FROM workflow_jobs WHERE runner_name = ANY (?)", String.class, (Object)
                        runnerNames.toArray(String[]::new)));
    }

    @Override
    public Optional<LedgerJob> correct(JobObservation observation) {
        String pool = matcher.match(observation.owner(), observation.repository(), observation.labels())
                .orElse(null);
        LedgerJob row = JobMerge.firstRow(observation, pool, false);
        List<Rewritten> rewritten =
                retrying(() -> transactions.execute(status -> upsert(List.of(row), UPDATE_EXISTING, rewrittenMapper)));
        afterCommit(rewritten.stream().map(Rewritten::change).toList());
        return rewritten.stream().findFirst().map(Rewritten::job);
    }

    @Override
    public boolean expire(long jobId, Instant now) {
        List<Rewritten> rewritten = retrying(() -> transactions.execute(
                status -> jdbc.query("""
                UPDATE workflow_jobs
                SET prev_status_rank = status_rank, status_rank = 3,
                    conclusion = COALESCE(conclusion, 'expired'), completed_at = COALESCE(completed_at, ?)
                WHERE id = ? AND status_rank < 3
                RETURNING *
                """, rewrittenMapper, OffsetDateTime.ofInstant(now, ZoneOffset.UTC), jobId)));
        afterCommit(rewritten.stream().map(Rewritten::change).toList());
        return !rewritten.isEmpty();
    }

    /** Deletes rows older than the retention periods; returns how many jobs and deliveries went. */
    int[] purge(Instant matchedBefore, Instant unmatchedBefore, Instant deliveriesBefore) {
        // in chunks, so a first purge of a large table never holds long locks against the intake
        int matched = deleteInChunks(
                "DELETE FROM workflow_jobs WHERE id IN (SELECT id FROM workflow_jobs WHERE last_received_at < ?"
                        + " AND pool IS NOT NULL AND NOT refused LIMIT 5000)",
                matchedBefore);
        int unmatched = deleteInChunks(
                "DELETE FROM workflow_jobs WHERE id IN (SELECT id FROM workflow_jobs WHERE last_received_at < ?"
                        + " AND (pool IS NULL OR refused) LIMIT 5000)",
                unmatchedBefore);
        int deliveries = deleteInChunks(
                "DELETE FROM webhook_deliveries WHERE delivery_id IN (SELECT delivery_id FROM webhook_deliveries"
                        + " WHERE received_at < ? LIMIT 5000)",
                deliveriesBefore);
        return new int[] {matched + unmatched, deliveries};
    }

    private int deleteInChunks(String sql, Instant before) {
        int total = 0;
        int deleted;
        do {
            deleted = jdbc.update(sql, OffsetDateTime.ofInstant(before, ZoneOffset.UTC));
            total += deleted;
        } while (deleted > 0);
        return total;
    }

    private static final String[] DELIVERY_TYPES = {"text", "text", "int8", "text", "text"};

    private static final String[] JOB_TYPES = {
        "int8", "int8", "int4", "text", "text", "text", "text", "text", "int2", "text", "text", "text", "text", "int8",
        "text", "text", "bool", "text", "text", "text"
    };

    /** Columns of {@code webhook_deliveries} as arrays: delivery id, action, job id, received at, outcome. */
    private static Object[][] deliveryColumns(List<JobDelivery> deliveries) {
        int n = deliveries.size();
        Object[][] columns = {new String[n], new String[n], new Long[n], new String[n], new String[n]};
        for (int i = 0; i < n; i++) {
            JobDelivery d = deliveries.get(i);
            columns[0][i] = d.deliveryId();
            columns[1][i] = d.action();
            columns[2][i] = d.observation().jobId();
            columns[3][i] = d.receivedAt().toString();
            columns[4][i] = d.outcome();
        }
        return columns;
    }

    private record JobColumns(Object[][] values) {}

    private JobColumns jobColumns(Collection<LedgerJob> rows) {
        List<LedgerJob> list = new ArrayList<>(rows);
        list.sort(Comparator.comparingLong(LedgerJob::id)); // one lock order for every writer: no deadlocks
        int n = list.size();
        Object[][] columns = new Object[JOB_TYPES.length][n];
        for (int i = 0; i < n; i++) {
            LedgerJob r = list.get(i);
            columns[0][i] = r.id();
            columns[1][i] = r.runId();
            columns[2][i] = r.runAttempt();
            columns[3][i] = r.owner();
            columns[4][i] = r.repository();
            columns[5][i] = r.workflowName();
            columns[6][i] = r.jobName();
            columns[7][i] = json.writeValueAsString(r.labels());
            columns[8][i] = (short) r.status().rank();
            columns[9][i] = r.conclusion();
            columns[10][i] = text(r.queuedAt());
            columns[11][i] = text(r.startedAt());
            columns[12][i] = text(r.completedAt());
            columns[13][i] = r.runnerId();
            columns[14][i] = r.runnerName();
            columns[15][i] = r.pool();
            columns[16][i] = r.refused();
            columns[17][i] = r.lastDeliveryId();
            columns[18][i] = text(r.firstReceivedAt());
            columns[19][i] = text(r.lastReceivedAt());
        }
        return new JobColumns(columns);
    }

    private Set<String> insertDeliveries(List<JobDelivery> deliveries) {
        Object[][] columns = deliveryColumns(deliveries);
        Set<String> fresh = new HashSet<>();
        jdbc.query(
                con -> {
                    PreparedStatement ps = con.prepareStatement(INSERT_DELIVERIES);
                    for (int c = 0; c < columns.length; c++) {
                        ps.setArray(c + 1, con.createArrayOf(DELIVERY_TYPES[c], columns[c]));
                    }
                    return ps;
                },
                rs -> {
                    fresh.add(rs.getString(1));
                });
        return fresh;
    }

    private <T> List<T> upsert(Collection<LedgerJob> rows, String sql, RowMapper<T> mapper) {
        if (rows.isEmpty()) {
            return List.of();
        }
        Object[][] columns = jobColumns(rows).values();
        return jdbc.query(
                con -> {
                    PreparedStatement ps = con.prepareStatement(sql);
                    for (int c = 0; c < columns.length; c++) {
                        ps.setArray(c + 1, con.createArrayOf(JOB_TYPES[c], columns[c]));
                    }
                    return ps;
                },
                mapper);
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private void afterCommit(List<AppliedChange> changes) {
        Set<String> changedPools = new LinkedHashSet<>();
        for (AppliedChange change : changes) {
            metrics.record(change);
            if (change.demandChanged()) {
                changedPools.add(change.pool());
            }
        }
        changedPools.forEach(pool -> events.publishEvent(new JobLedgerChanged(pool)));
    }

    private <T> T retrying(Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.get();
            } catch (TransientDataAccessException e) {
                // a serialization failure or deadlock rolled the whole transaction back: replaying it is safe
                if (attempt >= ATTEMPTS) {
                    throw e;
                }
                log.warn("ledger write attempt {} failed transiently, retrying: {}", attempt, e.getMessage());
            }
        }
    }

    private LedgerJob mapJob(ResultSet rs, int rowNum) throws SQLException {
        long runnerId = rs.getLong("runner_id");
        Long runner = rs.wasNull() ? null : runnerId;
        return new LedgerJob(
                rs.getLong("id"),
                rs.getLong("run_id"),
                rs.getInt("run_attempt"),
                rs.getString("owner"),
                rs.getString("repository"),
                rs.getString("workflow_name"),
                rs.getString("job_name"),
                json.readValue(rs.getString("labels"), LABELS),
                JobStatus.values()[rs.getInt("status_rank")],
                rs.getString("conclusion"),
                instant(rs, "queued_at"),
                instant(rs, "started_at"),
                instant(rs, "completed_at"),
                runner,
                rs.getString("runner_name"),
                rs.getString("pool"),
                rs.getBoolean("refused"),
                rs.getString("last_delivery_id"),
                instant(rs, "first_received_at"),
                instant(rs, "last_received_at"));
    }

    private static AppliedChange mapChange(ResultSet rs, int rowNum) throws SQLException {
        return new AppliedChange(
                rs.getInt("prev_status_rank"),
                JobStatus.values()[rs.getInt("status_rank")],
                rs.getString("pool"),
                rs.getBoolean("refused"),
                rs.getString("conclusion"),
                instant(rs, "queued_at"),
                instant(rs, "started_at"),
                instant(rs, "completed_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
