package dev.runnerscale.autoscaler.jobs;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Group commit for the intake: request threads hand parsed deliveries to writer threads, each of which drains what
 * has queued up meanwhile and commits it as one transaction. A request is answered only when the future of its
 * delivery completes, i.e. after its batch committed. A batch costs a few statements however large it is, so
 * throughput grows with the batch size. A second writer (the default) lets one batch's statements run while the other
 * waits for its WAL flush; the merge is order-independent, so which writer commits first does not matter. With a
 * commit delay, a steady stream is gathered for that long before a commit (one writer gathers at a time).
 */
@Component
public class LedgerWriter implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LedgerWriter.class);

    /** {@code dense}: it came within the commit delay of the delivery before it. */
    private record Pending(
            JobDelivery delivery, CompletableFuture<DeliveryOutcome> done, long queuedAt, boolean dense) {}

    private final JdbcJobLedger ledger;
    private final BlockingQueue<Pending> queue;
    private final int maxBatchSize;
    private final int writers;
    private final long commitDelayNanos;
    private final ReentrantLock intake = new ReentrantLock();
    private final AtomicLong lastQueuedAt = new AtomicLong(System.nanoTime() - Long.MAX_VALUE / 4);
    private final Timer batchTime;
    private final DistributionSummary batchSize;
    private volatile boolean running;
    private List<Thread> threads = List.of();

    LedgerWriter(JdbcJobLedger ledger, LedgerProperties properties, MeterRegistry registry) {
        this.ledger = ledger;
        this.batchTime = Timer.builder("runnerscale_ledger_batch")
                .description("Time to commit one batch of deliveries")
                .register(registry);
        this.batchSize = DistributionSummary.builder("runnerscale_ledger_batch_size")
                .description("Deliveries committed per batch")
                .register(registry);
        registry.gauge("runnerscale_ledger_queue_depth", this, w -> w.queue.size());
        this.queue = new ArrayBlockingQueue<>(properties.queueCapacity());
        this.maxBatchSize = properties.maxBatchSize();
        this.writers = properties.writers();
        this.commitDelayNanos = properties.commitDelay().toNanos();
    }

    /**
     * Queues a delivery; the future completes after its commit, or exceptionally with
     * {@link LedgerUnavailableException} when the commit failed.
     *
     * @throws LedgerOverloadedException when the queue is full
     */
    public CompletableFuture<DeliveryOutcome> submit(JobDelivery delivery) {
        if (!running) {
            throw new LedgerUnavailableException("the ledger writer is not running (starting or shutting down)");
        }
        long now = System.nanoTime();
        boolean dense = now - lastQueuedAt.getAndSet(now) < commitDelayNanos;
        Pending pending = new Pending(delivery, new CompletableFuture<>(), now, dense);
        if (!queue.offer(pending)) {
            throw new LedgerOverloadedException("too many deliveries waiting for the ledger; retry later");
        }
        return pending.done();
    }

    @Override
    public synchronized void start() {
        running = true;
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            Thread thread = new Thread(this::drain, "ledger-writer-" + i);
            thread.start();
            started.add(thread);
        }
        threads = started;
    }

    @Override
    public synchronized void stop() {
        running = false;
        for (Thread thread : threads) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // anything that slipped in after the writer's last look was never committed: say so, never hang
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(p -> p.done().completeExceptionally(new LedgerUnavailableException("shutting down")));
        threads = List.of();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts before and stops after the web server, so every request in flight at shutdown is still committed. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }

    private void drain() {
        List<Pending> batch = new ArrayList<>(maxBatchSize);
        while (running || !queue.isEmpty()) {
            try {
                // One writer takes from the queue at a time: while it gathers, the others commit or wait their
                // turn, instead of each gathering a share of the same stream into smaller transactions.
                intake.lockInterruptibly();
                try {
                    Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, maxBatchSize - 1);
                    if (first.dense() && running) {
                        gather(batch, first.queuedAt() + commitDelayNanos);
                    }
                } finally {
                    intake.unlock();
                }
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * Under a steady stream, waits until {@code deadline} for more deliveries to join the batch: at 5,000 a second
     * batches were otherwise 2-4 deliveries, and PostgreSQL's fixed cost per transaction came to three times its
     * cost per delivery. Sporadic deliveries are never held (they are not dense).
     */
    private void gather(List<Pending> batch, long deadline) throws InterruptedException {
        while (batch.size() < maxBatchSize) {
            long wait = deadline - System.nanoTime();
            if (wait <= 0) {
                return;
            }
            Pending next = queue.poll(wait, TimeUnit.NANOSECONDS);
            if (next == null) {
                return;
            }
            batch.add(next);
            queue.drainTo(batch, maxBatchSize - batch.size());
        }
    }

    private void write(List<Pending> batch) {
        List<JobDelivery> deliveries = new ArrayList<>(batch.size());
        batch.forEach(p -> deliveries.add(p.delivery()));
        try {
            long start = System.nanoTime();
            List<DeliveryOutcome> outcomes = ledger.record(deliveries);
            batchTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            batchSize.record(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).done().complete(outcomes.get(i));
            }
        } catch (RuntimeException e) {
            // nothing of the batch was committed (one transaction): every request gets a 503, GitHub a failure
            log.error("ledger batch of {} deliveries failed", batch.size(), e);
            LedgerUnavailableException failure = new LedgerUnavailableException("the ledger could not commit", e);
            batch.forEach(p -> p.done().completeExceptionally(failure));
        }
    }
}
