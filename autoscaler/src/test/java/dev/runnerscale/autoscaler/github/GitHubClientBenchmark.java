package dev.runnerscale.autoscaler.github;

import dev.runnerscale.autoscaler.pools.PoolsProperties.GitHubScope;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock.JobFixture;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock.RunnerFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * Throughput and latency of our guarded GitHub client (gate, circuit breaker, rate limiter, metrics, JSON mapping)
 * against a loopback fake GitHub without OpenAPI validation. Bounded: {@code -Dbench.requests} (default 20000)
 * calls or {@code -Dbench.seconds} (default 60), whichever ends first, on {@code -Dbench.threads} (default 8).
 * Run from the repository root:
 *
 * <pre>
 * ./mvnw -B -q -pl autoscaler test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.runnerscale.autoscaler.github.GitHubClientBenchmark
 * </pre>
 */
public final class GitHubClientBenchmark {

    private GitHubClientBenchmark() {}

    public static void main(String[] args) throws Exception {
        int requests = Integer.getInteger("bench.requests", 20_000);
        int threads = Integer.getInteger("bench.threads", 8);
        Duration limit = Duration.ofSeconds(Integer.getInteger("bench.seconds", 60));
        GitHubWireMock github = new GitHubWireMock(false).start();
        try {
            GitHubScope org = GitHubScope.of("octo-org", "", 1);
            List<RunnerFixture> runners = new ArrayList<>();
            IntStream.rangeClosed(1, 20)
                    .forEach(i -> runners.add(new RunnerFixture(i, "r-" + i, "online", false, List.of("linux"))));
            github.stubRunnerPages(org, List.of(runners));
            github.stubJob(
                    "octo-org", "octo-repo", JobFixture.completed(99, Instant.now(), Instant.now(), List.of("x")));
            GitHubClients clients = GitHubClients.withToken(
                    github.baseUrl(),
                    Map.of("runnerscale.github.rate-limiter.limit-for-period", String.valueOf(Integer.MAX_VALUE)));
            GitHubRunnerApi runnerApi = clients.runners();
            GitHubJobApi jobApi = clients.jobs();

            // Warm-up: JIT, connections.
            for (int i = 0; i < 500; i++) {
                runnerApi.listRunners(org);
                jobApi.fetchJob("octo-org", "octo-repo", 99);
            }
            github.server().resetRequests();

            long[] latencies = new long[requests];
            AtomicInteger next = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            long deadline = System.nanoTime() + limit.toNanos();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                pool.execute(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < requests && System.nanoTime() < deadline) {
                        long s = System.nanoTime();
                        try {
                            if (i % 2 == 0) {
                                runnerApi.listRunners(org);
                            } else {
                                jobApi.fetchJob("octo-org", "octo-repo", 99);
                            }
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                        }
                        latencies[i] = System.nanoTime() - s;
                    }
                });
            }
            pool.shutdown();
            pool.awaitTermination(limit.toSeconds() + 30, TimeUnit.SECONDS);
            long elapsed = System.nanoTime() - start;
            int done = Math.min(next.get(), requests);
            long[] measured = Arrays.copyOf(latencies, done);
            Arrays.sort(measured);
            System.out.printf(
                    "GitHub client benchmark: %d requests (%d failed) on %d threads in %.2f s -> %.0f requests/s;"
                            + " p50 %.2f ms, p99 %.2f ms%n",
                    done,
                    failures.get(),
                    threads,
                    elapsed / 1e9,
                    done / (elapsed / 1e9),
                    measured[done / 2] / 1e6,
                    measured[Math.min(done - 1, (int) (done * 0.99))] / 1e6);
        } finally {
            github.stop();
        }
    }
}
