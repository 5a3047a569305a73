package dev.runnerscale.autoscaler.jobs;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.runnerscale.autoscaler.pools.PoolMatcher;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import dev.runnerscale.autoscaler.testsupport.EmbeddedDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.flywaydb.core.Flyway;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real {@link JdbcJobLedger}, wired as the application wires it, in a schema of its own on the JVM's embedded
 * PostgreSQL (migrated by Flyway from the production scripts): a test's jobs are never another test's demand.
 */
public final class JdbcJobLedgers implements AutoCloseable {

    private static final AtomicLong SCHEMAS = new AtomicLong();

    public final JdbcJobLedger ledger;
    public final JdbcTemplate jdbc;
    private final HikariDataSource dataSource;

    private JdbcJobLedgers(PoolsProperties pools, ApplicationEventPublisher events, int connections) {
        String schema = "ledger_" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
        HikariConfig config = new HikariConfig();
        String url = EmbeddedDatabase.jdbcUrl(EmbeddedDatabase.shared()) + "&currentSchema=" + schema;
        // Flyway on connections of its own: it needs two, and the pool may have only one
        Flyway.configure()
                .dataSource(url, "postgres", "postgres")
                .schemas(schema)
                .load()
                .migrate();
        config.setJdbcUrl(url);
        config.setUsername("postgres");
        config.setPassword("postgres");
        config.setMaximumPoolSize(connections);
        config.setPoolName(schema);
        this.dataSource = new HikariDataSource(config);
        this.jdbc = new JdbcTemplate(dataSource);
        this.ledger = new JdbcJobLedger(
                jdbc,
                new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
                new PoolMatcher(pools),
                pools,
                JsonMapper.builder().build(),
                events,
                new JobMetrics(new SimpleMeterRegistry()));
    }

    /** A ledger in a fresh schema whose commits publish {@link JobLedgerChanged} to {@code events}. */
    public static JdbcJobLedgers inNewSchema(PoolsProperties pools, ApplicationEventPublisher events) {
        return new JdbcJobLedgers(pools, events, 4);
    }

    /**
     * The same on a single database connection, so a test can read what that server session did (its prepared
     * statements' plans, its statistics) through {@link #jdbc}.
     */
    public static JdbcJobLedgers onOneConnection(PoolsProperties pools, ApplicationEventPublisher events) {
        return new JdbcJobLedgers(pools, events, 1);
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
