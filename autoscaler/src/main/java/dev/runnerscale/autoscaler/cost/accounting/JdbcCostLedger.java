package dev.runnerscale.autoscaler.cost.accounting;

import dev.runnerscale.autoscaler.cost.Money;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Costs in PostgreSQL ({@code V3__costs.sql}). Amounts are integers of millionths of a USD in the database and
 * {@link BigDecimal}s of scale 6 in Java: the conversion is exact both ways.
 */
public class JdbcCostLedger {

    /** A runner's cost row as the accountant writes it. */
    public record RunnerCostRow(
            String runnerName,
            Long jobId,
            String pool,
            String repository,
            String workflow,
            String podName,
            String nodeName,
            String instanceType,
            String zone,
            String capacityType,
            long cpuMillis,
            long memoryBytes,
            Instant runnerStartedAt,
            Instant endedAt,
            Instant jobStartedAt,
            Instant jobEndedAt,
            long runnerMs,
            long jobMs,
            BigDecimal usd,
            BigDecimal runningUsd,
            BigDecimal onDemandUsd,
            BigDecimal githubHostedUsd,
            Instant recordedAt) {}

    /** The job fields the accountant copies into a cost row. */
    public record LedgerJobFacts(
            long jobId, String repository, String workflow, Instant startedAt, Instant completedAt) {}

    /** One report row: amounts summed over jobs with a known price; {@code jobs} counts every job. */
    public record ReportRow(
            String key,
            long jobs,
            long pricedJobs,
            BigDecimal usd,
            BigDecimal onDemandUsd,
            BigDecimal githubHostedUsd) {}

    public enum GroupBy {
        REPOSITORY("repository", "COALESCE(repository, '(unknown)')", "k"),
        WORKFLOW("workflow", "COALESCE(repository, '(unknown)') || ':' || COALESCE(workflow, '(unknown)')", "k"),
        POOL("pool", "pool", "k"),
        // grouped on a date (cheap per row), formatted once per group
        DAY("day", "(ended_at AT TIME ZONE 'UTC')::date", "to_char(k, 'YYYY-MM-DD')"),
        MONTH("month", "date_trunc('month', ended_at AT TIME ZONE 'UTC')", "to_char(k, 'YYYY-MM')");

        private final String wire;
        private final String sql;
        private final String key;

        GroupBy(String wire, String sql, String key) {
            this.wire = wire;
            this.sql = sql;
            this.key = key;
        }

        public String wire() {
            return wire;
        }

        public static Optional<GroupBy> fromWire(String value) {
            for (GroupBy g : values()) {
                if (g.wire.equals(value)) {
                    return Optional.of(g);
                }
            }
            return Optional.empty();
        }
    }

    private final JdbcTemplate jdbc;

    public JdbcCostLedger(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    static Long micros(BigDecimal usd) {
        return usd == null ? null : usd.movePointRight(Money.SCALE).longValueExact();
    }

    static BigDecimal usd(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : BigDecimal.valueOf(v, Money.SCALE);
    }

    private static BigDecimal sum(ResultSet rs, String column) throws SQLException {
        BigDecimal v = rs.getBigDecimal(column);
        return v == null ? Money.ZERO : v.movePointLeft(Money.SCALE).setScale(Money.SCALE);
    }

    private static OffsetDateTime ts(Instant i) {
        return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    /** The jobs of a batch of runners, by job id and by runner name (one query). */
    public Map<Object, LedgerJobFacts> jobs(
            java.util.Collection<Long> jobIds, java.util.Collection<String> runnerNames) {
        Map<Object, LedgerJobFacts> out = new java.util.HashMap<>();
        if (jobIds.isEmpty() && runnerNames.isEmpty()) {
            return out;
        }
        jdbc.query(
                con -> {
                    var ps = con.prepareStatement(
                            "SELECT id, owner || '/' || repository AS repository, workflow_name, started_at,"
                                    + " completed_at, runner_name FROM workflow_jobs"
                                    + " WHERE id = ANY(?) OR runner_name = ANY(?)");
                    ps.setArray(1, con.createArrayOf("int8", jobIds.toArray()));
                    ps.setArray(2, con.createArrayOf("text", runnerNames.toArray()));
                    return ps;
                },
                rs -> {
                    LedgerJobFacts facts = new LedgerJobFacts(
                            rs.getLong("id"),
                            rs.getString("repository"),
                            rs.getString("workflow_name"),
                            instant(rs, "started_at"),
                            instant(rs, "completed_at"));
                    out.put(facts.jobId(), facts);
                    String runner = rs.getString("runner_name");
                    if (runner != null) {
                        out.putIfAbsent(runner, facts);
                    }
                });
        return out;
    }

    /**
     * Stores a batch of runner costs in one statement (arrays unnested server-side: one parse, one plan, one round
     * trip, where a JDBC batch still executes row by row); per row, whether this call stored it.
     */
    public boolean[] insertRunnerCosts(List<RunnerCostRow> rows) {
        boolean[] out = new boolean[rows.size()];
        if (rows.isEmpty()) {
            return out;
        }
        Object[][] columns = new Object[BATCH_TYPES.length][rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            Object[] v = values(rows.get(i));
            for (int c = 0; c < v.length; c++) {
                columns[c][i] = v[c] instanceof OffsetDateTime t ? t.toInstant().toString() : v[c];
            }
        }
        Set<String> stored = new HashSet<>();
        jdbc.query(
                con -> {
                    PreparedStatement ps = con.prepareStatement(INSERT_RUNNER_COSTS);
                    for (int c = 0; c < columns.length; c++) {
                        ps.setArray(c + 1, con.createArrayOf(BATCH_TYPES[c], columns[c]));
                    }
                    return ps;
                },
                rs -> {
                    stored.add(rs.getString(1));
                });
        for (int i = 0; i < out.length; i++) {
            // a runner named twice in one batch is stored once: only its first row counts
            out[i] = stored.remove(rows.get(i).runnerName());
        }
        return out;
    }

    private static final String[] BATCH_TYPES = {
        "text", "int8", "text", "text", "text", "text", "text", "text", "text", "text", "int8", "int8", "text", "text",
        "text", "text", "int8", "int8", "int8", "int8", "int8", "int8", "text"
    };

    private static final String INSERT_RUNNER_COSTS = """
            INSERT INTO runner_costs (runner_name, job_id, pool, repository, workflow, pod_name, node_name,
                instance_type, zone, capacity_type, cpu_millis, memory_bytes, runner_started_at, ended_at,
                job_started_at, job_ended_at, runner_ms, job_ms, usd_micros, running_usd_micros,
                on_demand_usd_micros, github_hosted_usd_micros, recorded_at)
            SELECT u.runner_name, u.job_id, u.pool, u.repository, u.workflow, u.pod_name, u.node_name,
                u.instance_type, u.zone, u.capacity_type, u.cpu_millis, u.memory_bytes,
                u.runner_started_at::timestamptz, u.ended_at::timestamptz, u.job_started_at::timestamptz,
                u.job_ended_at::timestamptz, u.runner_ms, u.job_ms, u.usd_micros, u.running_usd_micros,
                u.on_demand_usd_micros, u.github_hosted_usd_micros, u.recorded_at::timestamptz
            FROM unnest(?::text[], ?::int8[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                ?::text[], ?::text[], ?::int8[], ?::int8[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int8[],
                ?::int8[], ?::int8[], ?::int8[], ?::int8[], ?::int8[], ?::text[])
              AS u(runner_name, job_id, pool, repository, workflow, pod_name, node_name, instance_type, zone,
                capacity_type, cpu_millis, memory_bytes, runner_started_at, ended_at, job_started_at, job_ended_at,
                runner_ms, job_ms, usd_micros, running_usd_micros, on_demand_usd_micros, github_hosted_usd_micros,
                recorded_at)
            ORDER BY u.runner_name
            ON CONFLICT DO NOTHING
            RETURNING runner_name
            """;

    private static final String INSERT_RUNNER_COST = """
            INSERT INTO runner_costs (runner_name, job_id, pool, repository, workflow, pod_name, node_name,
                instance_type, zone, capacity_type, cpu_millis, memory_bytes, runner_started_at, ended_at,
                job_started_at, job_ended_at, runner_ms, job_ms, usd_micros, running_usd_micros,
                on_demand_usd_micros, github_hosted_usd_micros, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            """;

    private static Object[] values(RunnerCostRow r) {
        return new Object[] {
            r.runnerName(),
            r.jobId(),
            r.pool(),
            r.repository(),
            r.workflow(),
            r.podName(),
            r.nodeName(),
            r.instanceType(),
            r.zone(),
            r.capacityType(),
            r.cpuMillis(),
            r.memoryBytes(),
            ts(r.runnerStartedAt()),
            ts(r.endedAt()),
            ts(r.jobStartedAt()),
            ts(r.jobEndedAt()),
            r.runnerMs(),
            r.jobMs(),
            micros(r.usd()),
            micros(r.runningUsd()),
            micros(r.onDemandUsd()),
            micros(r.githubHostedUsd()),
            ts(r.recordedAt())
        };
    }

    /**
     * Stores a runner's cost once: a second call for the same runner (or the same job), from this replica or another,
     * inserts nothing. Returns whether this call stored it (only then are the counters moved).
     */
    public boolean insertRunnerCost(RunnerCostRow r) {
        return jdbc.update(INSERT_RUNNER_COST, values(r)) == 1;
    }

    /** The stored cost of a job, if its runner's cost was recorded. */
    public Optional<JobCost> costOf(long jobId) {
        return jdbc
                .query(
                        "SELECT * FROM runner_costs WHERE job_id = ?",
                        (rs, n) -> {
                            BigDecimal usd = usd(rs, "usd_micros");
                            BigDecimal running = usd(rs, "running_usd_micros");
                            return new JobCost(
                                    text(usd),
                                    usd == null ? null : text(usd.subtract(running)),
                                    text(running),
                                    text(usd(rs, "on_demand_usd_micros")),
                                    text(usd(rs, "github_hosted_usd_micros")),
                                    rs.getString("instance_type"),
                                    rs.getString("zone"),
                                    rs.getString("capacity_type"),
                                    rs.getLong("runner_ms") / 1000,
                                    rs.getLong("job_ms") / 1000);
                        },
                        jobId)
                .stream()
                .findFirst();
    }

    private static String text(BigDecimal usd) {
        return usd == null ? null : Money.format(usd);
    }

    /** Stores an idle period of a node once (same node and period start again → nothing). */
    public boolean insertIdle(
            String nodeName,
            Instant periodStart,
            Instant periodEnd,
            String pool,
            String instanceType,
            String zone,
            String capacityType,
            BigDecimal usd) {
        return jdbc.update(
                        """
                        INSERT INTO idle_costs (node_name, period_start, period_end, pool, instance_type, zone,
                            capacity_type, usd_micros)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT DO NOTHING
                        """,
                        nodeName,
                        ts(periodStart),
                        ts(periodEnd),
                        pool,
                        instanceType,
                        zone,
                        capacityType,
                        micros(usd))
                == 1;
    }

    /** Jobs whose runner ended in [{@code from}, {@code to}), grouped; largest spend first. */
    public List<ReportRow> report(Instant from, Instant to, GroupBy groupBy) {
        return jdbc.query(
                "SELECT " + groupBy.key + " AS key, jobs, priced, usd, on_demand, github_hosted FROM ("
                        + " SELECT " + groupBy.sql + " AS k, count(*) AS jobs, count(usd_micros) AS priced,"
                        + " sum(usd_micros) AS usd, sum(on_demand_usd_micros) AS on_demand,"
                        + " sum(github_hosted_usd_micros) AS github_hosted"
                        + " FROM runner_costs WHERE job_id IS NOT NULL AND ended_at >= ? AND ended_at < ?"
                        + " GROUP BY 1) g ORDER BY usd DESC NULLS LAST, key",
                (rs, n) -> new ReportRow(
                        rs.getString("key"),
                        rs.getLong("jobs"),
                        rs.getLong("priced"),
                        sum(rs, "usd"),
                        sum(rs, "on_demand"),
                        sum(rs, "github_hosted")),
                ts(from),
                ts(to));
    }

    /** Idle cost in [{@code from}, {@code to}): node idle periods starting in it plus runners that ran no job. */
    public BigDecimal idle(Instant from, Instant to) {
        BigDecimal nodes = jdbc.query(
                "SELECT sum(usd_micros) AS usd FROM idle_costs WHERE period_start >= ? AND period_start < ?",
                rs -> {
                    rs.next();
                    return sum(rs, "usd");
                },
                ts(from),
                ts(to));
        BigDecimal jobless = jdbc.query(
                "SELECT sum(usd_micros) AS usd FROM runner_costs WHERE job_id IS NULL AND ended_at >= ? AND ended_at < ?",
                rs -> {
                    rs.next();
                    return sum(rs, "usd");
                },
                ts(from),
                ts(to));
        return nodes.add(jobless);
    }

    /** What each pool spent in [{@code from}, {@code to}): its runners (with or without a job) and its idle nodes. */
    public Map<String, BigDecimal> spendByPool(Instant from, Instant to) {
        Map<String, BigDecimal> out = new java.util.HashMap<>();
        jdbc.query(
                """
                SELECT pool, sum(usd) AS usd FROM (
                    SELECT pool, usd_micros AS usd FROM runner_costs WHERE ended_at >= ? AND ended_at < ?
                    UNION ALL
                    SELECT pool, usd_micros FROM idle_costs WHERE period_start >= ? AND period_start < ?
                ) s GROUP BY pool
                """,
                rs -> {
                    out.put(rs.getString("pool"), sum(rs, "usd"));
                },
                ts(from),
                ts(to),
                ts(from),
                ts(to));
        return out;
    }

    /** Repositories by spend in [{@code from}, {@code to}), largest first (seeds the repository metric's members). */
    public List<String> topRepositories(Instant from, Instant to, int limit) {
        return jdbc.queryForList(
                "SELECT repository FROM runner_costs WHERE job_id IS NOT NULL AND repository IS NOT NULL"
                        + " AND ended_at >= ? AND ended_at < ? GROUP BY repository"
                        + " ORDER BY sum(usd_micros) DESC NULLS LAST, repository LIMIT ?",
                String.class,
                ts(from),
                ts(to),
                limit);
    }

    /** The first instant of a UTC date. */
    public static Instant startOf(LocalDate date) {
        return date.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
