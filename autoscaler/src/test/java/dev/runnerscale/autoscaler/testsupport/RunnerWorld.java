package dev.runnerscale.autoscaler.testsupport;

import dev.runnerscale.autoscaler.github.GitHubClients;
import dev.runnerscale.autoscaler.jobs.JobLedger;
import dev.runnerscale.autoscaler.jobs.JobLedgerChanged;
import dev.runnerscale.autoscaler.leader.AlwaysLeader;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.runners.KubernetesRunnerFleet;
import dev.runnerscale.autoscaler.runners.PoolStatusBoard;
import dev.runnerscale.autoscaler.runners.ReconcileLoop;
import dev.runnerscale.autoscaler.runners.RunnerEvents;
import dev.runnerscale.autoscaler.runners.RunnerMetrics;
import dev.runnerscale.autoscaler.runners.RunnerPodFactory;
import dev.runnerscale.autoscaler.runners.RunnerReconciler;
import dev.runnerscale.autoscaler.runners.RunnersProperties;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * One pool on real parts: its own namespace of a mock API server (CRUD) with a kubelet, the real {@code JdbcJobLedger}
 * in a schema of its own on the embedded PostgreSQL, and the real GitHub client ({@code RestGitHubRunnerApi} over
 * {@code GitHubHttp} with its gate, retry and circuit breaker) against WireMock playing GitHub's runner endpoints
 * ({@link GitHubRunnerFake}, every interaction validated against GitHub's OpenAPI description). Any number of
 * reconciler replicas, each with its own Kubernetes and GitHub clients, as separate processes would have.
 */
public final class RunnerWorld implements AutoCloseable {

    private static final AtomicLong NAMESPACES = new AtomicLong();

    public final KubernetesTestServer server;
    public final KubernetesClient client;
    public final MutableClock clock = MutableClock.ticking();
    public final Pool pool;
    public final LedgerFeed ledger;
    public final GitHubRunnerFake github;
    private final GitHubWireMock gitHubServer;
    public final Kubelet kubelet;
    public final RunnersProperties properties;
    private final List<Replica> replicas = new CopyOnWriteArrayList<>();
    /** What replicas started from now on see of the ledger (a test may interpose on their reads). */
    public volatile UnaryOperator<JobLedger> ledgerView = UnaryOperator.identity();

    private final AtomicLong jobIds = new AtomicLong();

    /**
     * Our own pace limiter off (tests count requests), a read timeout short enough for timeout scenarios, and an open
     * circuit that half-opens after a second.
     */
    private static final Map<String, String> GITHUB_SETTINGS = Map.of(
            "runnerscale.github.read-timeout", "500ms",
            "runnerscale.github.circuit-breaker.wait-in-open-state", "1s");

    public RunnerWorld(KubernetesTestServer server, GitHubWireMock gitHub, int minIdle, int max) {
        this(server, gitHub, minIdle, max, Duration.ofMinutes(10));
    }

    public RunnerWorld(
            KubernetesTestServer server, GitHubWireMock gitHub, int minIdle, int max, Duration registrationGrace) {
        this.server = server;
        this.client = server.client();
        String namespace = "ns-" + NAMESPACES.incrementAndGet();
        this.pool = pool("linux-x64-spot", namespace, minIdle, max);
        this.gitHubServer = gitHub;
        this.github = gitHub.stubStatefulRunners(pool.github());
        // A commit of the ledger tells every replica, as the application's event does.
        this.ledger = new LedgerFeed(new PoolsProperties(List.of(pool)), event -> {
            if (event instanceof JobLedgerChanged changed) {
                replicas.forEach(r -> r.loop.onLedgerChanged(changed));
            }
        });
        this.kubelet = new Kubelet(client, namespace);
        this.properties = TestPools.runners(
                "registration-grace", registrationGrace.toMillis() + "ms", "github-sync-interval", "0s");
    }

    public static Pool pool(String name, String namespace, int minIdle, int max) {
        return TestPools.standard(name, namespace, minIdle, max);
    }

    /** A reconciler replica: its own client, reconciler and loop, always leading. Started. */
    public Replica startReplica() {
        return startReplica(true);
    }

    /**
     * A replica with or without its pod informer. Without: its triggers are the ledger, requeues and the resync. The
     * mock server blocks its event loop for up to a minute when a watch closes while events are in flight (its
     * {@code WatchEventsListener.onClosed} awaits its send executor on the event loop), so a replica that is stopped
     * in the middle of a burst must not hold a watch.
     */
    public Replica startReplica(boolean informer) {
        Replica replica = new Replica(server.client(), informer);
        replicas.add(replica);
        replica.loop.start();
        return replica;
    }

    public final class Replica implements AutoCloseable {
        public final KubernetesClient client;
        public final GitHubClients gitHub;
        public final RunnerReconciler reconciler;
        public final ReconcileLoop loop;
        public final PoolStatusBoard board = new PoolStatusBoard();
        public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        private final RunnerEvents events;

        Replica(KubernetesClient client, boolean informer) {
            this.client = client;
            this.gitHub = GitHubClients.withToken(gitHubServer.baseUrl(), GITHUB_SETTINGS, clock);
            this.events = new RunnerEvents(client, clock, properties.eventDedupeWindow());
            this.reconciler = new RunnerReconciler(
                    new PoolsProperties(List.of(pool)),
                    properties,
                    ledgerView.apply(ledger.ledger()),
                    gitHub.runners(),
                    new KubernetesRunnerFleet(client),
                    events,
                    board,
                    new RunnerMetrics(registry, List.of(pool), board),
                    clock);
            this.loop = new ReconcileLoop(
                    reconciler,
                    new AlwaysLeader(),
                    informer ? client : null,
                    properties.resyncPeriod(),
                    properties.minPassInterval(),
                    clock);
        }

        @Override
        public void close() {
            loop.stop();
            events.close();
            replicas.remove(this);
            client.close();
        }
    }

    /** Records {@code queued} deliveries in the ledger; its commit tells every replica, as the intake's does. */
    public List<Long> queue(int jobs) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            ids.add(jobIds.incrementAndGet());
        }
        for (int from = 0; from < ids.size(); from += 100) {
            ledger.queue(ids.subList(from, Math.min(ids.size(), from + 100))); // the intake's batch size
        }
        return ids;
    }

    public void ledgerChanged() {
        replicas.forEach(r -> r.loop.onLedgerChanged(new JobLedgerChanged(pool.name())));
    }

    /**
     * Every runner that starts takes the oldest queued job (GitHub assigns it, the ledger hears in_progress) and, when
     * {@code complete}, finishes it at once (completed, ephemeral runner gone, pod Succeeded).
     */
    public void runnersTakeJobs(boolean complete) {
        kubelet.onRunning(pod -> {
            String runnerName = runnerName(pod);
            Optional<Long> job = ledger.oldestQueued();
            if (job.isEmpty() || github.runner(runnerName).isEmpty()) {
                return;
            }
            long runnerId = github.assign(runnerName);
            ledger.start(job.get(), runnerId, runnerName);
            ledgerChanged();
            if (complete) {
                ledger.complete(job.get(), "success");
                github.finish(runnerName);
                kubelet.succeed(pod.getMetadata().getName());
                ledgerChanged();
            }
        });
    }

    public List<Pod> pods() {
        return client.pods().inNamespace(pool.namespace()).list().getItems();
    }

    public Optional<Pod> pod(String name) {
        return Optional.ofNullable(
                client.pods().inNamespace(pool.namespace()).withName(name).get());
    }

    public static String runnerName(Pod pod) {
        return pod.getMetadata().getAnnotations().get(RunnerPodFactory.RUNNER_NAME_ANNOTATION);
    }

    public void requestPass() {
        replicas.forEach(r -> r.loop.request(pool.name()));
    }

    @Override
    public void close() {
        List.copyOf(replicas).forEach(Replica::close);
        kubelet.close();
        client.close();
        ledger.close();
    }
}
