package dev.runnerscale.autoscaler.benchmark;

import dev.runnerscale.autoscaler.jobs.JobStatus;
import dev.runnerscale.autoscaler.testsupport.KubernetesTestServer;
import dev.runnerscale.autoscaler.testsupport.RunnerWorld;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.LoggerFactory;

/**
 * Reaction time from an accepted {@code queued} demand (the ledger's {@code JobLedgerChanged} trigger, published as
 * the webhook intake does after its commit) to the runner pod's create accepted by the API server (its ADDED event
 * in the server's watch stream, an upper bound of the acceptance), one job at a time with free capacity: each
 * runner takes its job and completes at once, and max (50) is far above the few pods awaiting deletion. Loopback only, bounded in jobs and time.
 *
 * <p>Run: {@code ./mvnw -B -q -pl autoscaler test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.runnerscale.autoscaler.benchmark.RunnerReactionBenchmark [-Dexec.args="1000"]}
 */
public final class RunnerReactionBenchmark {

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int warmup = Math.min(100, jobs / 10);
        Duration budget = Duration.ofMinutes(5);
        long[] latencies = new long[jobs];
        BlockingQueue<Long> added = new ArrayBlockingQueue<>(jobs + warmup + 16);
        quiet();

        try (KubernetesTestServer server = new KubernetesTestServer();
                RunnerWorld world = new RunnerWorld(server, 0, 50)) {
            world.runnersTakeJobs(true);
            Watch watch = world.client
                    .pods()
                    .inNamespace(world.pool.namespace())
                    .watch(new Watcher<>() {
                        @Override
                        public void eventReceived(Action action, Pod pod) {
                            if (action == Action.ADDED) {
                                added.add(System.nanoTime());
                            }
                        }

                        @Override
                        public void onClose(WatcherException cause) {}
                    });
            probe(world, added);
            world.startReplica();
            long deadline = System.nanoTime() + budget.toNanos();
            long started = 0;
            for (int i = -warmup; i < jobs; i++) {
                if (i == 0) {
                    started = System.nanoTime();
                }
                long queuedAt = System.nanoTime();
                world.queue(1);
                // the first pod ADDED after this job was queued; an earlier event belongs to an earlier pod
                Long createdAt;
                do {
                    createdAt = added.poll(10, TimeUnit.SECONDS);
                    if (createdAt == null) {
                        throw new IllegalStateException("no runner pod created within 10 s for job " + i);
                    }
                } while (createdAt < queuedAt);
                if (i >= 0) {
                    latencies[i] = createdAt - queuedAt;
                }
                // wait until the job is done and its pod gone, so every job finds free capacity and an idle loop
                long done = i + warmup + 1L;
                while (world.ledger.count(JobStatus.COMPLETED) < done) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("benchmark exceeded its time budget of " + budget);
                    }
                    LockSupport.parkNanos(100_000);
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            watch.close();
            Arrays.sort(latencies);
            System.out.printf(
                    Locale.ROOT,
                    "RunnerReactionBenchmark: %d jobs (after %d warm-up), %.1f jobs/s end to end%n"
                            + "  queued -> pod create accepted: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    jobs,
                    warmup,
                    jobs / seconds,
                    percentile(latencies, 50),
                    percentile(latencies, 90),
                    percentile(latencies, 99),
                    latencies[jobs - 1] / 1e6);
        }
        System.exit(0);
    }

    /**
     * A pod the reconciler ignores, created until our watch has seen one: the mock server can drop the
     * first events of a watch that was just opened (fabric8io/kubernetes-client#7867).
     */
    private static void probe(RunnerWorld world, BlockingQueue<Long> added) throws InterruptedException {
        var pods = world.client.pods().inNamespace(world.pool.namespace());
        for (int attempt = 0; ; attempt++) {
            Pod probe = new io.fabric8.kubernetes.api.model.PodBuilder()
                    .withNewMetadata()
                    .withName("probe-" + attempt)
                    .endMetadata()
                    .build();
            pods.resource(probe).create();
            boolean seen = added.poll(1, TimeUnit.SECONDS) != null;
            pods.withName("probe-" + attempt).delete();
            added.clear();
            if (seen) {
                return;
            }
        }
    }

    // Per-request logging of the mock server and per-pod INFO lines would dominate what is measured.
    private static final java.util.logging.Logger MOCK_SERVER_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private static void quiet() {
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
    }

    private static double percentile(long[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1e6;
    }
}
