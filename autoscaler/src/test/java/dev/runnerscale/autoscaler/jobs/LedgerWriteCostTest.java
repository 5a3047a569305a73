package dev.runnerscale.autoscaler.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.pools.PoolsProperties;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The intake's write must cost the same on day one and after a week of deliveries. PostgreSQL caches a generic plan
 * for a prepared statement after five executions, built on the statistics of that moment; a statement whose plan
 * depends on them (a join against {@code webhook_deliveries}) keeps the plan chosen while the table was empty, a scan
 * of the whole table per batch, for the life of the connection. That once cut the intake's throughput fivefold in
 * the benchmark. Here the same server session first writes into empty tables, then the deliveries table grows, and
 * the next batch must still not read it sequentially.
 */
class LedgerWriteCostTest {

    private static final String POOL = "linux-x64-spot";

    @Test
    void aBatchNeverScansTheDeliveriesTableWhateverItsSizeWhenThePlanWasCached() {
        try (JdbcJobLedgers ledgers = JdbcJobLedgers.onOneConnection(new PoolsProperties(List.of()), event -> {})) {
            long job = 1_000;
            // the driver prepares on the server from the fifth execution, and the server caches a generic plan after
            // five
            // custom ones
            for (int batch = 0; batch < 12; batch++) {
                List<JobDelivery> deliveries = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    deliveries.add(queued(job++));
                }
                ledgers.ledger.record(deliveries);
            }
            ledgers.jdbc.update("""
                    INSERT INTO webhook_deliveries (delivery_id, event, action, job_id, received_at, outcome)
                    SELECT 'filler-' || g, 'workflow_job', 'queued', g, now(), 'recorded'
                    FROM generate_series(1, 50000) g
                    """);
            long scansBefore = sequentialScansOfDeliveries(ledgers);

            JobDelivery known = queued(1_000); // a redelivery, in the same batch as new deliveries
            List<DeliveryOutcome> outcomes = ledgers.ledger.record(List.of(queued(job), known, queued(job + 1)));

            assertThat(outcomes)
                    .containsExactly(DeliveryOutcome.RECORDED, DeliveryOutcome.DUPLICATE, DeliveryOutcome.RECORDED);
            assertThat(sequentialScansOfDeliveries(ledgers)).isEqualTo(scansBefore);
        }
    }

    private static JobDelivery queued(long job) {
        return Observations.queuedDelivery("cost-" + job, job, POOL, Instant.parse("2026-11-22T03:00:00Z"));
    }

    /** This session's statistics, flushed first (they are otherwise published up to a second late). */
    private static long sequentialScansOfDeliveries(JdbcJobLedgers ledgers) {
        ledgers.jdbc.execute("SELECT pg_stat_force_next_flush()");
        // a new transaction, so the statistics snapshot is not the one cached by an earlier read
        return ledgers.jdbc.queryForObject(
                "SELECT seq_scan FROM pg_stat_user_tables WHERE relid = 'webhook_deliveries'::regclass", Long.class);
    }
}
