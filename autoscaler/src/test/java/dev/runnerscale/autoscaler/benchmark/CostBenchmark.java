package dev.runnerscale.autoscaler.benchmark;

import dev.runnerscale.autoscaler.cost.CapacityType;
import dev.runnerscale.autoscaler.cost.CostModel;
import dev.runnerscale.autoscaler.cost.NodeFacts;
import dev.runnerscale.autoscaler.cost.PricePoint;
import dev.runnerscale.autoscaler.cost.Requests;
import dev.runnerscale.autoscaler.cost.RunnerUsage;
import dev.runnerscale.autoscaler.cost.accounting.CostAccountant;
import dev.runnerscale.autoscaler.cost.accounting.CostBenchmarkSupport;
import dev.runnerscale.autoscaler.cost.accounting.JdbcCostLedger;
import dev.runnerscale.autoscaler.cost.accounting.RunnerEnded;
import dev.runnerscale.autoscaler.testsupport.EmbeddedDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two figures of issue 10, on loopback with an embedded PostgreSQL (not a test; run from the README):
 *
 * <ol>
 *   <li>the finance report over 1,000,000 jobs of one month (plus 200,000 of the month before, outside the window),
 *       grouped by repository (target ≤ 1 s on 2 cores), interleaved with the other groupings and with a bare
 *       {@code count(*)} over the same window as the in-run baseline;
 *   <li>cost accounting of 1,000 finished runners (target ≤ 100 ms): the pure arithmetic, and the full accountant
 *       path (ledger lookup, price, idempotent insert) one runner at a time and as one batch.
 * </ol>
 *
 * Args: {@code [jobs] [rounds]} (default 1000000 7).
 */
public final class CostBenchmark {

    private CostBenchmark() {}

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        Path dir = Files.createTempDirectory("cost-benchmark");
        try (EmbeddedPostgres pg = EmbeddedDatabase.start(dir, "off")) {
            String url = EmbeddedDatabase.jdbcUrl(pg);
            Flyway.configure().dataSource(url, "postgres", "postgres").load().migrate();
            com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource();
            pool.setJdbcUrl(url);
            pool.setUsername("postgres");
            pool.setPassword("postgres");
            pool.setMaximumPoolSize(4);
            JdbcTemplate jdbc = new JdbcTemplate(pool);
            System.out.printf(
                    "machine: %d CPUs, load average %s%n",
                    Runtime.getRuntime().availableProcessors(),
                    Files.readString(Path.of("/proc/loadavg")).trim());
            report(jdbc, jobs, rounds);
            accounting(jdbc, rounds);
        }
        // exec:java waits for every non-daemon thread (the embedded server's log readers): end here
        System.exit(0);
    }

    private static void report(JdbcTemplate jdbc, int jobs, int rounds) {
        long t0 = System.nanoTime();
        // 1,000,000 jobs in February 2026 over 400 repositories, 12 workflows, 6 pools; 200,000 in January
        String insert = """
                INSERT INTO runner_costs (runner_name, job_id, pool, repository, workflow, pod_name, node_name,
                    instance_type, zone, capacity_type, cpu_millis, memory_bytes, runner_started_at, ended_at,
                    job_started_at, job_ended_at, runner_ms, job_ms, usd_micros, running_usd_micros,
                    on_demand_usd_micros, github_hosted_usd_micros, recorded_at)
                SELECT 'r-' || g, g, 'pool-' || (g % 6), 'acme/repo-' || (g % 400), 'wf-' || (g % 12), 'p', 'n',
                    'm5.large', 'us-east-1a', 'spot', 1000, 2147483648, ts, ts + interval '20 minutes', ts, ts,
                    1200000, 1100000, CASE WHEN g % 50 = 0 THEN NULL ELSE 10000 + g % 90000 END, 9000,
                    30000 + g % 90000, 120000, ts
                FROM (SELECT g, ? ::timestamptz + (g % ?) * interval '1 second' AS ts
                      FROM generate_series(?::bigint, ?::bigint) g) s
                """;
        jdbc.update(insert, "2026-02-01T00:00:00Z", 28 * 86400 - 1200, 1L, (long) jobs);
        jdbc.update(insert, "2026-01-01T00:00:00Z", 31 * 86400 - 1200, (long) jobs + 1, (long) jobs + 200_000);
        jdbc.execute("VACUUM ANALYZE runner_costs");
        System.out.printf("report: loaded %,d + 200,000 rows in %.1f s%n", jobs, (System.nanoTime() - t0) / 1e9);

        JdbcCostLedger ledger = new JdbcCostLedger(jdbc);
        Instant from = Instant.parse("2026-02-01T00:00:00Z");
        Instant to = Instant.parse("2026-03-01T00:00:00Z");
        List<String> names = new ArrayList<>();
        List<long[]> times = new ArrayList<>();
        for (JdbcCostLedger.GroupBy g : JdbcCostLedger.GroupBy.values()) {
            names.add("group-by=" + g.wire());
            times.add(new long[rounds]);
        }
        names.add("baseline count(*)");
        times.add(new long[rounds]);
        ledger.report(from, to, JdbcCostLedger.GroupBy.REPOSITORY); // warm-up (plans, caches)
        for (int r = 0; r < rounds; r++) {
            int i = 0;
            for (JdbcCostLedger.GroupBy g : JdbcCostLedger.GroupBy.values()) {
                long s = System.nanoTime();
                int rows = ledger.report(from, to, g).size();
                times.get(i++)[r] = System.nanoTime() - s;
                if (rows == 0) {
                    throw new IllegalStateException("empty report");
                }
            }
            long s = System.nanoTime();
            jdbc.queryForObject(
                    "SELECT count(*) FROM runner_costs WHERE job_id IS NOT NULL AND ended_at >= ? AND ended_at < ?",
                    Long.class,
                    java.sql.Timestamp.from(from),
                    java.sql.Timestamp.from(to));
            times.get(i)[r] = System.nanoTime() - s;
        }
        for (int i = 0; i < names.size(); i++) {
            long[] t = times.get(i);
            Arrays.sort(t);
            System.out.printf(
                    "report %-22s median %6.0f ms  min %6.0f ms  max %6.0f ms (%d rounds)%n",
                    names.get(i), t[t.length / 2] / 1e6, t[0] / 1e6, t[t.length - 1] / 1e6, rounds);
        }
        System.out.println(jdbc
                .queryForList(
                        "EXPLAIN (ANALYZE, BUFFERS) SELECT repository, count(*), count(usd_micros), sum(usd_micros),"
                                + " sum(on_demand_usd_micros), sum(github_hosted_usd_micros) FROM runner_costs"
                                + " WHERE job_id IS NOT NULL AND ended_at >= '2026-02-01' AND ended_at < '2026-03-01'"
                                + " GROUP BY 1",
                        String.class)
                .stream()
                .reduce("plan:", (a, b) -> a + "\n  " + b));
    }

    private static void accounting(JdbcTemplate jdbc, int rounds) {
        long GIB = 1L << 30;
        var tables = CostBenchmarkSupport.tables();
        var book = dev.runnerscale.autoscaler.cost.SpotPriceBook.of(List.of(
                new PricePoint("c5.xlarge", "use1-az4", Instant.parse("2026-03-01T00:00:00Z"), new BigDecimal("0.07")),
                new PricePoint(
                        "c5.xlarge", "use1-az4", Instant.parse("2026-03-01T12:00:00Z"), new BigDecimal("0.08"))));
        var prices = new dev.runnerscale.autoscaler.cost.NodePrices(book, tables);
        NodeFacts node = new NodeFacts(
                "n", "c5.xlarge", "us-east-1a", "use1-az4", CapacityType.SPOT, new Requests(3920, 6 * GIB));
        Instant base = Instant.parse("2026-03-01T10:00:00Z");
        long[] pure = new long[rounds];
        for (int r = -3; r < rounds; r++) { // three warm-up rounds for the JIT
            long s = System.nanoTime();
            BigDecimal sum = BigDecimal.ZERO;
            for (int i = 0; i < 1000; i++) {
                Instant start = base.plusSeconds(i * 37L);
                sum = sum.add(CostModel.runnerCost(
                                new RunnerUsage(
                                        new Requests(1000, 2 * GIB),
                                        start,
                                        start.plus(Duration.ofHours(3)),
                                        start.plusSeconds(60),
                                        start.plus(Duration.ofHours(2))),
                                node,
                                prices,
                                Optional.of(new BigDecimal("0.006")))
                        .usd());
            }
            if (r >= 0) {
                pure[r] = System.nanoTime() - s;
            }
        }
        Arrays.sort(pure);
        System.out.printf("accounting 1,000 runners, arithmetic only: median %.1f ms%n", pure[rounds / 2] / 1e6);

        long[] single = new long[rounds];
        long[] batch = new long[rounds];
        for (int r = 0; r < 2 * rounds; r++) {
            CostAccountant accountant = CostBenchmarkSupport.accountant(jdbc, book, node);
            List<RunnerEnded> ended = new ArrayList<>();
            List<Object[]> rows = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                long id = 10_000_000L + r * 10_000L + i;
                Instant start = base.plusSeconds(i * 37L);
                rows.add(new Object[] {
                    id,
                    id,
                    java.sql.Timestamp.from(start.plusSeconds(60)),
                    java.sql.Timestamp.from(start.plus(Duration.ofHours(2))),
                    "bench-" + id
                });
                ended.add(new RunnerEnded(
                        "spot",
                        "spot-0",
                        "bench-" + id,
                        null,
                        "n",
                        new Requests(1000, 2 * GIB),
                        start,
                        start.plus(Duration.ofHours(3)),
                        null,
                        null));
            }
            jdbc.batchUpdate(
                    "INSERT INTO workflow_jobs (id, run_id, run_attempt, owner, repository, workflow_name, job_name,"
                            + " labels, status_rank, conclusion, started_at, completed_at, runner_name, pool, refused,"
                            + " first_received_at, last_received_at, prev_status_rank) VALUES (?, ?, 1, 'acme', 'api',"
                            + " 'CI', 'b', '[]'::jsonb, 3, 'success', ?, ?, ?, 'spot', false, now(), now(), -1)",
                    rows);
            // interleaved: even rounds one call per runner, odd rounds one batch of 1,000
            long s = System.nanoTime();
            long stored;
            if (r % 2 == 0) {
                stored = ended.stream()
                        .filter(e -> accountant.runnerEnded(e).isPresent())
                        .count();
                single[r / 2] = System.nanoTime() - s;
            } else {
                stored = accountant.runnersEnded(ended).stream()
                        .filter(Optional::isPresent)
                        .count();
                batch[r / 2] = System.nanoTime() - s;
            }
            if (stored != 1000) {
                throw new IllegalStateException("stored " + stored);
            }
        }
        Arrays.sort(single);
        Arrays.sort(batch);
        System.out.printf(
                "accounting 1,000 runners, one call each (lookup + price + insert): median %.1f ms"
                        + "  min %.1f ms  max %.1f ms%n",
                single[rounds / 2] / 1e6, single[0] / 1e6, single[rounds - 1] / 1e6);
        System.out.printf(
                "accounting 1,000 runners, one batch (1 lookup + 1 batched insert): median %.1f ms"
                        + "  min %.1f ms  max %.1f ms%n",
                batch[rounds / 2] / 1e6, batch[0] / 1e6, batch[rounds - 1] / 1e6);
    }
}
