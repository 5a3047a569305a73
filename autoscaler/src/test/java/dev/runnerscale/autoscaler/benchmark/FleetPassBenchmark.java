package dev.runnerscale.autoscaler.benchmark;

import dev.runnerscale.autoscaler.pools.PoolsProperties.GitHubScope;
import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.testsupport.FleetWorld;
import dev.runnerscale.autoscaler.testsupport.GitHubRunnerFake.Operation;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock;
import dev.runnerscale.autoscaler.testsupport.KubernetesTestServer;
import dev.runnerscale.autoscaler.testsupport.TestPools;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.slf4j.LoggerFactory;

/**
 * The cost of a reconcile pass over a large fleet, and GitHub's bill for running it an hour.
 *
 * <ol>
 *   <li><b>Pass time</b>: 20 pools × 10 runners (200 pods: running, registered, online, each running a job) and 5,000
 *       queued jobs in the ledger; passes over all 20 pools, run back to back on this thread as the reconcile loop
 *       runs them, timed one by one (p50, p99, max). The pods come from the informer's cache, the demand from the
 *       ledger on PostgreSQL, GitHub's view from the last listing (due every 5 s of the simulated clock, taken on a
 *       thread of its own as the loop takes it). The passes that swept after a listing arrived (they read pods and
 *       Secrets from the API server, once per namespace) are also reported on their own.
 *   <li><b>GitHub calls per hour per organisation</b>, idle (no jobs) and busy (a job per pool every 5 minutes), over a
 *       simulated hour of passes every 5 s: every request the organisation's installation and the App sent.
 * </ol>
 *
 * Loopback only: fabric8's mock API server, WireMock playing GitHub (OpenAPI validation off: the benchmark measures
 * the reconciler), the JVM's embedded PostgreSQL. Bounded: 500 timed passes, two simulated hours.
 *
 * <p>Run: {@code ./mvnw -B -q -pl autoscaler test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.runnerscale.autoscaler.benchmark.FleetPassBenchmark [-Dexec.args="500"]}
 */
public final class FleetPassBenchmark {

    private static final int POOLS = 20;

    public static void main(String[] args) throws Exception {
        int passes = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        quiet();
        GitHubWireMock gitHub = new GitHubWireMock(false).start();
        try (KubernetesTestServer server = new KubernetesTestServer()) {
            passTime(server, gitHub, passes);
            callsPerHour(server, gitHub, false);
            callsPerHour(server, gitHub, true);
        } finally {
            gitHub.stop();
        }
        System.exit(0); // the mock servers' non-daemon threads
    }

    private static List<Pool> fleet(FleetWorld world) {
        String namespace = world.namespace("runners");
        return IntStream.range(0, POOLS)
                .mapToObj(i -> TestPools.pool(
                        "name",
                        "pool-" + i,
                        "namespace",
                        namespace,
                        "labels",
                        "self-hosted,linux,p" + i,
                        "github.owner",
                        "acme",
                        "max",
                        "10"))
                .toList();
    }

    private static void passTime(KubernetesTestServer server, GitHubWireMock gitHub, int passes) throws Exception {
        gitHub.fake().reset();
        ExecutorService listing = Executors.newSingleThreadExecutor();
        try (FleetWorld world = new FleetWorld(
                server,
                gitHub,
                FleetPassBenchmark::fleet,
                false,
                "github-sync-interval",
                "5s",
                "min-pass-interval",
                "0s")) {
            addNodes(world, POOLS * 10);
            // runners take a job and keep it: half the pool's runners end up busy, the rest idle
            for (int p = 0; p < POOLS; p++) {
                world.queue("pool-" + p, 5);
            }
            world.runnersTakeJobs(false);
            FleetWorld.Replica replica = world.drivenReplica();
            // as the reconcile loop runs it: GitHub is listed on a thread of its own, and a later pass sweeps with it
            AtomicBoolean arrived = new AtomicBoolean();
            replica.reconciler.listGitHubOn(listing, () -> arrived.set(true));
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (countRunning(world) < POOLS * 5 && System.nanoTime() < deadline) {
                replica.pass();
                Thread.sleep(50); // the kubelet and the runners settle between warm-up passes
            }
            world.runnersTakeJobs(false);
            for (int p = 0; p < POOLS; p++) {
                world.queue("pool-" + p, 255); // 5 more per pool are taken by the new runners: 5,000 stay queued
            }
            while (countRunning(world) < POOLS * 10 && System.nanoTime() < deadline) {
                replica.pass();
                Thread.sleep(50);
            }
            int running = countRunning(world);
            for (int i = 0; i < 50; i++) {
                replica.pass(); // warm-up: JIT, caches
            }
            long[] times = new long[passes];
            List<Long> sweeping = new ArrayList<>();
            for (int i = 0; i < passes; i++) {
                if (i % 50 == 0) {
                    world.clock.advance(Duration.ofSeconds(5)); // a GitHub sync every 50 passes
                }
                boolean sweeps = arrived.getAndSet(false); // a listing arrived: this pass takes it and sweeps
                long start = System.nanoTime();
                replica.pass();
                times[i] = System.nanoTime() - start;
                if (sweeps) {
                    sweeping.add(times[i]);
                }
            }
            Arrays.sort(times);
            long[] swept = sweeping.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf(
                    Locale.ROOT,
                    "pass over %d pools, %d runner pods, %d queued jobs: %d passes, p50 %.2f ms, p99 %.2f ms,"
                            + " max %.2f ms; of them %d swept after a GitHub listing: median %.2f ms, max %.2f ms%n",
                    POOLS,
                    running,
                    world.ledger.jdbc.queryForObject(
                            "SELECT count(*) FROM workflow_jobs WHERE status_rank = 1", Long.class),
                    passes,
                    percentile(times, 50),
                    percentile(times, 99),
                    times[times.length - 1] / 1e6,
                    swept.length,
                    swept.length == 0 ? Double.NaN : percentile(swept, 50),
                    swept.length == 0 ? Double.NaN : swept[swept.length - 1] / 1e6);
        } finally {
            listing.shutdownNow();
        }
    }

    private static int countRunning(FleetWorld world) {
        return (int) world.client.pods().inNamespace(world.pool("pool-0").namespace()).list().getItems().stream()
                .filter(p ->
                        p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
                .count();
    }

    /**
     * Spot nodes with room for {@code runners} runner pods (1 CPU, 2 GiB each; seven fit a node): the world's kubelets
     * bind a pod only to a node that fits it. Named per world, since every world of the run shares one API server.
     */
    private static void addNodes(FleetWorld world, int runners) {
        for (int n = 0; n < (runners + 6) / 7 + 1; n++) {
            world.addNode(
                    "bench-" + world.id + "-" + n + ".ec2.internal",
                    "m5.2xlarge",
                    "us-east-1a",
                    "use1-az4",
                    "spot",
                    "7910m",
                    "30Gi");
        }
    }

    private static void callsPerHour(KubernetesTestServer server, GitHubWireMock gitHub, boolean busy) {
        gitHub.fake().reset();
        try (FleetWorld world = new FleetWorld(
                server,
                gitHub,
                FleetPassBenchmark::fleet,
                false,
                "github-sync-interval",
                "5s",
                "github-idle-sync-interval",
                "5m")) {
            addNodes(world, POOLS * 10);
            if (busy) {
                world.runnersTakeJobs(true);
            }
            FleetWorld.Replica replica = world.drivenReplica();
            int jobs = 0;
            for (int step = 0; step < 720; step++) {
                if (busy && step % 60 == 0) {
                    for (int p = 0; p < POOLS; p++) {
                        world.queue("pool-" + p, 1);
                        jobs++;
                    }
                }
                replica.pass();
                if (busy) {
                    awaitNoPending(world);
                }
                world.clock.advance(Duration.ofSeconds(5));
            }
            GitHubScope acme = world.scope("pool-0");
            int all = world.github.requestsWith("installation/100") + world.github.requestsWith("app");
            System.out.printf(
                    Locale.ROOT,
                    "GitHub calls in a simulated hour, %d pools of one organisation, %s: %d in all (%d runner"
                            + " listings, %d JIT registrations for %d jobs, %d removals); limit 5,000%n",
                    POOLS,
                    busy ? "busy" : "idle",
                    all,
                    world.github.requests(acme, Operation.LIST_RUNNERS),
                    world.github.requests(acme, Operation.JIT_CONFIG),
                    jobs,
                    world.github.requests(acme, Operation.DELETE_RUNNER));
        }
    }

    private static void awaitNoPending(FleetWorld world) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline
                && world.client.pods().inNamespace(world.pool("pool-0").namespace()).list().getItems().stream()
                        .anyMatch(p -> p.getStatus() == null
                                || "Pending".equals(p.getStatus().getPhase()))) {
            Thread.onSpinWait();
        }
    }

    /** Held: JUL keeps loggers weakly, and a collected one takes its level with it (a line per mock-server request). */
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
