package dev.runnerscale.autoscaler.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.pools.PoolsProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The group commit's commit delay: a steady stream of deliveries is gathered into few transactions, a sporadic
 * delivery is never held back. The delay here is seconds, far above the 50 ms the configuration allows, so that
 * "held" and "not held" cannot be confused on a busy machine.
 */
class LedgerWriterTest {

    private static final AtomicLong JOBS = new AtomicLong(7_000_000);
    private static final Duration DELAY = Duration.ofSeconds(2);

    private final MeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void aSporadicDeliveryIsCommittedAtOnce() throws Exception {
        withWriter(DELAY, (writer, ledgers) -> {
            long started = System.nanoTime();
            assertThat(writer.submit(queued()).get(10, TimeUnit.SECONDS)).isEqualTo(DeliveryOutcome.RECORDED);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(DELAY.dividedBy(2));
            Thread.sleep(DELAY.toMillis() + 200); // quiet for longer than the delay: the next one is sporadic too
            started = System.nanoTime();
            assertThat(writer.submit(queued()).get(10, TimeUnit.SECONDS)).isEqualTo(DeliveryOutcome.RECORDED);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(DELAY.dividedBy(2));
        });
    }

    @Test
    void aSteadyStreamIsGatheredIntoOneTransactionAndEveryDeliveryIsCommitted() throws Exception {
        withWriter(DELAY, (writer, ledgers) -> {
            // 20 ms apart, far slower than a commit: without the delay each would be a transaction of its own
            List<CompletableFuture<DeliveryOutcome>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(writer.submit(queued()));
                Thread.sleep(20);
            }
            for (CompletableFuture<DeliveryOutcome> answer : answers) {
                assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo(DeliveryOutcome.RECORDED);
            }
            // the first came after a quiet spell and went alone; the second waited for the other 18
            assertThat(registry.get("runnerscale_ledger_batch_size").summary().count())
                    .isEqualTo(2);
            assertThat(ledgers.jdbc.queryForObject("SELECT count(*) FROM webhook_deliveries", Long.class))
                    .isEqualTo(20);
        });
    }

    @Test
    void withoutADelayTheSameStreamIsCommittedDeliveryByDelivery() throws Exception {
        withWriter(Duration.ZERO, (writer, ledgers) -> {
            for (int i = 0; i < 20; i++) {
                assertThat(writer.submit(queued()).get(10, TimeUnit.SECONDS)).isEqualTo(DeliveryOutcome.RECORDED);
                Thread.sleep(20);
            }
            assertThat(registry.get("runnerscale_ledger_batch_size").summary().count())
                    .isEqualTo(20);
        });
    }

    @FunctionalInterface
    private interface WriterTest {
        void run(LedgerWriter writer, JdbcJobLedgers ledgers) throws Exception;
    }

    /** A started writer with this commit delay over a ledger in a fresh schema; stopped afterwards. */
    private void withWriter(Duration commitDelay, WriterTest test) throws Exception {
        try (JdbcJobLedgers ledgers = JdbcJobLedgers.inNewSchema(new PoolsProperties(List.of()), event -> {})) {
            LedgerWriter writer = writer(ledgers, commitDelay);
            writer.start();
            try {
                test.run(writer, ledgers);
            } finally {
                writer.stop();
            }
        }
    }

    private LedgerWriter writer(JdbcJobLedgers ledgers, Duration commitDelay) {
        return new LedgerWriter(
                ledgers.ledger,
                new LedgerProperties(
                        Duration.ofDays(400),
                        Duration.ofDays(7),
                        Duration.ofDays(7),
                        "0 17 3 * * *",
                        1024,
                        256,
                        2,
                        Duration.ofSeconds(1),
                        commitDelay),
                registry);
    }

    private static JobDelivery queued() {
        long job = JOBS.incrementAndGet();
        return Observations.queuedDelivery("writer-" + job, job, null, Instant.parse("2026-11-22T06:00:00Z"));
    }
}
