package dev.runnerscale.autoscaler.cost.accounting;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.runnerscale.autoscaler.testsupport.EmbeddedDatabase;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;

/** The production schema (Flyway, V1..V3) in a fresh schema of the JVM's embedded PostgreSQL, and job rows. */
public final class CostDatabase implements AutoCloseable {

    private static final AtomicLong SCHEMAS = new AtomicLong();

    public final JdbcTemplate jdbc;
    private final HikariDataSource dataSource;

    public CostDatabase() {
        String schema = "cost_" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
        String url = EmbeddedDatabase.jdbcUrl(EmbeddedDatabase.shared()) + "&currentSchema=" + schema;
        Flyway.configure()
                .dataSource(url, "postgres", "postgres")
                .schemas(schema)
                .load()
                .migrate();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("postgres");
        config.setPassword("postgres");
        config.setMaximumPoolSize(8);
        config.setPoolName(schema);
        dataSource = new HikariDataSource(config);
        jdbc = new JdbcTemplate(dataSource);
    }

    private static OffsetDateTime ts(Instant i) {
        return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    /** A job row as the ledger holds it (status rank 2 = in progress, 3 = completed). */
    public void job(
            long id,
            String owner,
            String repository,
            String workflow,
            String pool,
            int statusRank,
            String conclusion,
            Instant startedAt,
            Instant completedAt,
            String runnerName) {
        Instant queued = startedAt == null ? Instant.parse("2026-01-01T00:00:00Z") : startedAt.minusSeconds(30);
        jdbc.update(
                """
                INSERT INTO workflow_jobs (id, run_id, run_attempt, owner, repository, workflow_name, job_name, labels,
                    status_rank, conclusion, queued_at, started_at, completed_at, runner_id, runner_name, pool,
                    refused, last_delivery_id, first_received_at, last_received_at, prev_status_rank)
                VALUES (?, ?, 1, ?, ?, ?, 'build', '["self-hosted"]'::jsonb, ?, ?, ?, ?, ?, 1, ?, ?, false, 'd', ?, ?, -1)
                ON CONFLICT (id) DO UPDATE SET status_rank = EXCLUDED.status_rank, conclusion = EXCLUDED.conclusion,
                    completed_at = EXCLUDED.completed_at
                """,
                id,
                id,
                owner,
                repository,
                workflow,
                statusRank,
                conclusion,
                ts(queued),
                ts(startedAt),
                ts(completedAt),
                runnerName,
                pool,
                ts(queued),
                ts(queued));
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
