package dev.runnerscale.autoscaler.benchmark;

import dev.runnerscale.autoscaler.AutoscalerApplication;
import dev.runnerscale.autoscaler.pools.PoolsProperties.GitHubScope;
import dev.runnerscale.autoscaler.runners.RunnerPodFactory;
import dev.runnerscale.autoscaler.testsupport.EmbeddedDatabase;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock;
import dev.runnerscale.autoscaler.testsupport.Kubelet;
import dev.runnerscale.autoscaler.testsupport.KubernetesTestServer;
import dev.runnerscale.autoscaler.testsupport.Payloads;
import dev.runnerscale.autoscaler.testsupport.WebhookClient;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reaction time of the real application from a signed {@code queued} delivery to the runner pod's create accepted by
 * the API server. Everything runs in this JVM on loopback: the autoscaler as {@code main} starts it, on a durable
 * embedded PostgreSQL ({@code synchronous_commit=on}), fabric8's mock API server (CRUD) with a kubelet, and GitHub on
 * WireMock with stateful runner endpoints (JIT registration, list, removal; OpenAPI validation OFF: the benchmark
 * measures the autoscaler, not the validator).
 *
 * <p>Per job, one at a time with free capacity (max 50, and each pod is gone before the next job): the clock starts
 * when the delivery is sent (so it includes the signature check, the ledger commit and the 202), and stops when the
 * API server's dispatcher hands back the {@code 201} of the pod's {@code POST} (a hook in the mock server, before the
 * response is written). Then the kubelet runs the registered pod, GitHub's {@code completed} delivery naming its
 * runner is sent (the runner worked: its exit is no failure), the pod succeeds and the autoscaler deletes it. Bounded: 1,000 jobs (after 100 warm-up) and 5 minutes.
 *
 * <p>Run: {@code ./mvnw -B -q -pl autoscaler test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.runnerscale.autoscaler.benchmark.RunnerReactionBenchmark [-Dexec.args="1000"]}
 */
public final class RunnerReactionBenchmark {

    private static final String NAMESPACE = "runnerscale-runners";
    private static final String SECRET = "bench-secret";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int warmup = Math.min(100, jobs / 10);
        Duration budget = Duration.ofMinutes(5);
        long[] latencies = new long[jobs];
        BlockingQueue<Long> podCreates = new LinkedBlockingQueue<>();
        quiet();

        EmbeddedPostgres postgres = EmbeddedDatabase.durable(null);
        GitHubWireMock gitHub = new GitHubWireMock(false).start();
        gitHub.stubStatefulRunners(GitHubScope.of("acme", "", 1));
        gitHub.stubRateLimit(5000, java.time.Instant.now().plus(Duration.ofHours(1))); // the start-up credentials check
        String podsPath = "/api/v1/namespaces/" + NAMESPACE + "/pods";
        KubernetesTestServer kubernetes = new KubernetesTestServer((method, path, status) -> {
            if (status == 201 && "POST".equals(method) && path.startsWith(podsPath)) {
                podCreates.add(System.nanoTime());
            }
        });
        KubernetesClient client = kubernetes.client();
        Kubelet kubelet = new Kubelet(client, NAMESPACE);
        // The runner takes its job and exits at once: GitHub's completed delivery names the runner (so the ledger
        // knows the runner worked and its exit feeds no failure back-off), then the pod succeeds and is deleted.
        AtomicLong currentJob = new AtomicLong();
        AtomicReference<WebhookClient> hooks = new AtomicReference<>();
        kubelet.onRunning(pod -> {
            String runner = pod.getMetadata().getAnnotations().get(RunnerPodFactory.RUNNER_NAME_ANNOTATION);
            ObjectNode completed =
                    Payloads.job(currentJob.get()).action("completed").node();
            ((ObjectNode) completed.get("workflow_job")).put("runner_name", runner);
            hooks.get().deliver("workflow_job", JSON.writeValueAsBytes(completed));
            kubelet.succeed(pod.getMetadata().getName());
        });

        int port = freePort();
        ConfigurableApplicationContext app = SpringApplication.run(
                AutoscalerApplication.class,
                arguments(port, postgres, gitHub, kubernetes).toArray(String[]::new));
        WebhookClient webhooks = new WebhookClient(port, SECRET);
        hooks.set(webhooks);
        try {
            long deadline = System.nanoTime() + budget.toNanos();
            long firstJob = System.currentTimeMillis() * 1000;
            long started = 0;
            for (int i = -warmup; i < jobs; i++) {
                if (i == 0) {
                    started = System.nanoTime();
                }
                long jobId = firstJob + warmup + i;
                currentJob.set(jobId);
                podCreates.clear();
                long sentAt = System.nanoTime();
                HttpResponse<String> accepted =
                        webhooks.deliver("workflow_job", Payloads.job(jobId).bytes());
                if (accepted.statusCode() != 202) {
                    throw new IllegalStateException(
                            "delivery not accepted: " + accepted.statusCode() + " " + accepted.body());
                }
                Long createdAt = podCreates.poll(10, TimeUnit.SECONDS);
                if (createdAt == null) {
                    throw new IllegalStateException("no runner pod created within 10 s for job " + i);
                }
                if (i >= 0) {
                    latencies[i] = createdAt - sentAt;
                }
                // Each job finds free capacity and an idle loop: wait until its pod is gone.
                while (!client.pods().inNamespace(NAMESPACE).list().getItems().isEmpty()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("benchmark exceeded its time budget of " + budget);
                    }
                    LockSupport.parkNanos(2_000_000);
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            Arrays.sort(latencies);
            System.out.printf(
                    Locale.ROOT,
                    "RunnerReactionBenchmark: %d jobs (after %d warm-up), %.1f jobs/s end to end (one at a time)%n"
                            + "  signed queued POST sent -> pod create accepted (201): p50 %.2f ms, p90 %.2f ms,"
                            + " p99 %.2f ms, max %.2f ms%n",
                    jobs,
                    warmup,
                    jobs / seconds,
                    percentile(latencies, 50),
                    percentile(latencies, 90),
                    percentile(latencies, 99),
                    latencies[jobs - 1] / 1e6);
        } finally {
            app.close();
            kubelet.close();
            client.close();
            kubernetes.close();
            gitHub.stop();
            postgres.close();
        }
        System.exit(0);
    }

    private static List<String> arguments(
            int port, EmbeddedPostgres postgres, GitHubWireMock gitHub, KubernetesTestServer kubernetes) {
        List<String> a = new ArrayList<>();
        a.add("--server.port=" + port);
        a.add("--spring.datasource.url=" + EmbeddedDatabase.jdbcUrl(postgres));
        a.add("--spring.datasource.username=postgres");
        a.add("--spring.datasource.password=postgres");
        a.add("--runnerscale.webhook.secrets=" + SECRET);
        a.add("--runnerscale.webhook.allowed-owners=acme");
        a.add("--runnerscale.api.tokens=bench-token");
        a.add("--runnerscale.kubernetes.master-url=" + kubernetes.url());
        a.add("--runnerscale.kubernetes.leader-election.enabled=false");
        a.add("--runnerscale.github.api-url=" + gitHub.baseUrl());
        a.add("--runnerscale.github.token=ghp_benchmarktoken00000000000000000000");
        a.add("--runnerscale.pools[0].name=linux-x64-spot");
        a.add("--runnerscale.pools[0].labels=self-hosted,linux,x64");
        a.add("--runnerscale.pools[0].github.owner=acme");
        a.add("--runnerscale.pools[0].max=50");
        // Per-request and per-pod log lines would dominate what is measured.
        a.add("--logging.level.root=WARN");
        // Our own GitHub pace (default 10 calls a second): jobs back to back cost about two calls each (registration,
        // removal of the finished runner), so at 7 jobs a second the pace refuses some registrations, and no pod is
        // created while a pool's registration waits. -Dbenchmark.github-calls-per-second=1000 measures the reaction
        // without that wait.
        String pace = System.getProperty("benchmark.github-calls-per-second");
        if (pace != null) {
            a.add("--runnerscale.github.rate-limiter.limit-for-period=" + Integer.parseInt(pace));
        }
        return a;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

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
