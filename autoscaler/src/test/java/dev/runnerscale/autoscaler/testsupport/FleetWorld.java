package dev.runnerscale.autoscaler.testsupport;

import dev.runnerscale.autoscaler.github.GitHubClients;
import dev.runnerscale.autoscaler.jobs.JdbcJobLedgers;
import dev.runnerscale.autoscaler.jobs.JobDelivery;
import dev.runnerscale.autoscaler.jobs.JobLedgerChanged;
import dev.runnerscale.autoscaler.jobs.JobObservation;
import dev.runnerscale.autoscaler.jobs.JobStatus;
import dev.runnerscale.autoscaler.jobs.LedgerJob;
import dev.runnerscale.autoscaler.leader.AlwaysLeader;
import dev.runnerscale.autoscaler.pools.PoolMatcher;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import dev.runnerscale.autoscaler.pools.PoolsProperties.GitHubScope;
import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.runners.KubernetesRunnerFleet;
import dev.runnerscale.autoscaler.runners.PoolStatusBoard;
import dev.runnerscale.autoscaler.runners.ReconcileLoop;
import dev.runnerscale.autoscaler.runners.RunnerEvents;
import dev.runnerscale.autoscaler.runners.RunnerLifecycleListener;
import dev.runnerscale.autoscaler.runners.RunnerMetrics;
import dev.runnerscale.autoscaler.runners.RunnerNames;
import dev.runnerscale.autoscaler.runners.RunnerPodFactory;
import dev.runnerscale.autoscaler.runners.RunnerReconciler;
import dev.runnerscale.autoscaler.runners.RunnersProperties;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A fleet of pools on real parts, as a platform team runs it: several pools over several organisations (one GitHub
 * App installed on each), repository-scoped pools, each pool in its namespace of one mock API server (CRUD) with a
 * kubelet per namespace, the real {@code JdbcJobLedger} in a schema of its own, and the real GitHub client against the
 * stateful fake GitHub behind WireMock (every request and answer validated against GitHub's OpenAPI description).
 *
 * <p>The cluster has nodes labelled as EKS labels them ({@link #addNode}: three spot nodes and an on-demand one unless
 * the test chooses its own), and the kubelets play kube-scheduler too: runner pods run only once bound to a node that
 * fits them. Each replica has the product's node parts on the world's database: the node informer, the capacity
 * providers ({@code PoolCapacity}, Auto Scaling through {@link #useAutoScaling} when a test plays AWS), interruption
 * records and re-runs through the real GitHub client, and cost accounting with the shipped price tables (spot prices
 * from the static table).
 *
 * <p>Runner pods play {@code run.sh}: once Running, a runner comes online on GitHub (unless the test made its pool's
 * runners {@link #neverOnline(String) never come online}) and, when {@link #runnersTakeJobs(boolean)} is on, takes
 * the oldest queued job of its pool as GitHub would assign it, and finishes it.
 */
public final class FleetWorld implements AutoCloseable {

    private static final AtomicLong WORLDS = new AtomicLong();
    private static final AtomicLong JOBS = new AtomicLong(System.nanoTime() % 1_000_000_000L * 1000);
    private static final String KEY = GitHubClients.pkcs8Pem(GitHubClients.rsaKeyPair());

    public final String id = "w" + WORLDS.incrementAndGet();
    public final KubernetesTestServer server;
    public final KubernetesClient client;
    public final MutableClock clock = MutableClock.ticking();
    public final List<Pool> pools;
    public final GitHubRunnerFake github;
    public final RunnersProperties properties;
    public final JdbcJobLedgers ledger;
    public final PoolMatcher matcher;
    public final Map<String, Kubelet> kubelets = new LinkedHashMap<>();
    public final String ownNamespace = "runnerscale-" + id;
    private final GitHubWireMock gitHubServer;
    private final Map<String, String> githubSettings;
    private final List<Replica> replicas = new CopyOnWriteArrayList<>();
    private final Set<String> neverOnline = ConcurrentHashMap.newKeySet();
    private final List<Function<Replica, RunnerLifecycleListener>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean takeJobs;
    private volatile boolean completeJobs;
    private volatile dev.runnerscale.autoscaler.aws.AutoScalingGroupCapacity autoScaling;
    /** Prices in force: the shipped tables, spot from the static illustrative table in every node's zone. */
    public final dev.runnerscale.autoscaler.cost.accounting.PriceService prices;

    public static final String SPOT_A = "ip-10-0-1-11.ec2.internal";
    public static final String SPOT_B = "ip-10-0-2-12.ec2.internal";
    public static final String SPOT_C = "ip-10-0-3-13.ec2.internal";
    public static final String ON_DEMAND_A = "ip-10-0-1-21.ec2.internal";

    /**
     * @param pools built with {@link #namespace(String)} names so that worlds never share a namespace
     * @param runnerSettings {@code runnerscale.runners.*} settings that differ from the test defaults
     */
    public FleetWorld(
            KubernetesTestServer server,
            GitHubWireMock gitHub,
            Function<FleetWorld, List<Pool>> pools,
            String... runnerSettings) {
        this(server, gitHub, pools, true, runnerSettings);
    }

    /** @param defaultNodes whether the cluster starts with the default nodes (else the test adds its own) */
    public FleetWorld(
            KubernetesTestServer server,
            GitHubWireMock gitHub,
            Function<FleetWorld, List<Pool>> pools,
            boolean defaultNodes,
            String... runnerSettings) {
        this.server = server;
        this.client = server.client();
        this.gitHubServer = gitHub;
        this.pools = List.copyOf(pools.apply(this));
        this.github = gitHub.stubStatefulApp();
        github.clock(clock);
        github.newRunnersOnline(false); // run.sh brings them online once the pod runs
        long installation = 100;
        Set<String> owners = new LinkedHashSet<>();
        Set<String> scopes = new LinkedHashSet<>();
        for (Pool pool : this.pools) {
            if (owners.add(pool.github().owner().toLowerCase(Locale.ROOT))) {
                github.install(pool.github().owner(), installation++);
            }
            if (scopes.add(pool.github().key())) {
                gitHub.stubStatefulRunners(pool.github());
            }
        }
        this.githubSettings = Map.of(
                "runnerscale.github.read-timeout", "2s",
                "runnerscale.github.circuit-breaker.wait-in-open-state", "1s",
                "runnerscale.github.rate-limiter.limit-for-period", "1000");
        PoolsProperties configured = new PoolsProperties(this.pools);
        this.matcher = new PoolMatcher(configured);
        this.ledger = JdbcJobLedgers.inNewSchema(configured, event -> {
            if (event instanceof JobLedgerChanged changed) {
                replicas.forEach(r -> r.loop.onLedgerChanged(changed));
            }
        });
        List<String> settings = new ArrayList<>(List.of(
                "registration-grace", "10m",
                "github-sync-interval", "0s",
                "github-idle-sync-interval", "0s",
                "online-grace", "3m",
                "pool-hold-initial", "30s"));
        settings.addAll(List.of(runnerSettings));
        this.properties = TestPools.runners(settings.toArray(String[]::new));
        this.prices = new dev.runnerscale.autoscaler.cost.accounting.PriceService(priceTables());
        if (defaultNodes) {
            addNode(SPOT_A, "m5.2xlarge", "us-east-1a", "use1-az4", "spot", "7910m", "30Gi");
            addNode(SPOT_B, "c6i.2xlarge", "us-east-1b", "use1-az6", "spot", "7910m", "14Gi");
            addNode(SPOT_C, "m6i.2xlarge", "us-east-1c", "use1-az1", "spot", "7910m", "30Gi");
            addNode(ON_DEMAND_A, "m6i.xlarge", "us-east-1a", "use1-az4", "on-demand", "3920m", "14Gi");
        }
        for (Pool pool : this.pools) {
            kubelets.computeIfAbsent(pool.namespace(), ns -> {
                Kubelet kubelet = new Kubelet(client, ns, clock).schedules(true);
                kubelet.onRunning(this::runnerStarted);
                return kubelet;
            });
        }
    }

    // ---- nodes

    private static dev.runnerscale.autoscaler.cost.PriceTables priceTables() {
        return new dev.runnerscale.autoscaler.cost.PriceTables(
                dev.runnerscale.autoscaler.cost.PriceTables.parseOnDemand(resource("cost/on-demand-prices.csv")),
                dev.runnerscale.autoscaler.cost.PriceTables.parseGitHubHosted(
                        resource("cost/github-hosted-prices.csv")));
    }

    static String resource(String path) {
        try (var in = FleetWorld.class.getClassLoader().getResourceAsStream(path)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * A node as EKS labels it: instance type, zone and zone id, Karpenter's capacity type, allocatable CPU and memory;
     * for a spot node, the static table's price of its type becomes the price in force in its zone.
     */
    public io.fabric8.kubernetes.api.model.Node addNode(
            String name,
            String instanceType,
            String zone,
            String zoneId,
            String capacityType,
            String cpu,
            String memory) {
        return addNode(new io.fabric8.kubernetes.api.model.NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("kubernetes.io/hostname", name)
                .addToLabels("node.kubernetes.io/instance-type", instanceType)
                .addToLabels("topology.kubernetes.io/zone", zone)
                .addToLabels("topology.k8s.aws/zone-id", zoneId)
                .addToLabels("karpenter.sh/capacity-type", capacityType)
                .addToLabels("karpenter.sh/nodepool", "runners")
                .endMetadata()
                .withNewSpec()
                .withProviderID("aws:///" + zone + "/i-0" + Integer.toHexString(name.hashCode()))
                .endSpec()
                .withNewStatus()
                .addToAllocatable("cpu", new io.fabric8.kubernetes.api.model.Quantity(cpu))
                .addToAllocatable("memory", new io.fabric8.kubernetes.api.model.Quantity(memory))
                .addToAllocatable("pods", new io.fabric8.kubernetes.api.model.Quantity("58"))
                .endStatus()
                .build());
    }

    /** Any node (a test's own labels, provider id, taints). */
    public io.fabric8.kubernetes.api.model.Node addNode(io.fabric8.kubernetes.api.model.Node node) {
        io.fabric8.kubernetes.api.model.Node created =
                client.nodes().resource(node).create();
        Map<String, String> labels = node.getMetadata().getLabels();
        if (labels != null
                && "spot".equals(labels.get("karpenter.sh/capacity-type"))
                && labels.get("node.kubernetes.io/instance-type") != null) {
            prices.addSpotPoints(
                    new dev.runnerscale.autoscaler.aws.StaticSpotPrices(resource("cost/static-spot-prices.csv"))
                            .fetch(
                                    Set.of(labels.get("node.kubernetes.io/instance-type")),
                                    Set.of(labels.get("topology.kubernetes.io/zone")),
                                    Instant.EPOCH),
                    Instant.EPOCH);
        }
        return created;
    }

    /** Puts a taint on the node, as aws-node-termination-handler or Karpenter does (an update of the node). */
    public void taint(String node, String key, String value, String effect) {
        client.nodes()
                .withName(node)
                .edit(n -> new io.fabric8.kubernetes.api.model.NodeBuilder(n)
                        .editSpec()
                        .addNewTaint()
                        .withKey(key)
                        .withValue(value)
                        .withEffect(effect)
                        .endTaint()
                        .endSpec()
                        .build());
    }

    /** The pool's {@code auto-scaling-group} provider talks to this (AWS played by WireMock); before any replica. */
    public void useAutoScaling(dev.runnerscale.autoscaler.aws.AutoScalingGroupCapacity groups) {
        this.autoScaling = groups;
    }

    /** A namespace of this world. */
    public String namespace(String name) {
        return name + "-" + id;
    }

    public Pool pool(String name) {
        return pools.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    public Kubelet kubelet(String pool) {
        return kubelets.get(pool(pool).namespace());
    }

    // ---- replicas

    /**
     * Every replica started after this call tells a listener of its own (made by {@code listener} for it) after each
     * pass and of every pod it creates, registers and removes: features beside the reconciler (queue time, cost).
     */
    public void onEveryReplica(Function<Replica, RunnerLifecycleListener> listener) {
        listeners.add(listener);
    }

    /** A reconciler replica: its own Kubernetes and GitHub clients, reconciler and loop, always leading. Started. */
    public Replica startReplica() {
        return startReplica(this.pools);
    }

    /** A replica configured with these pools (a pool removed or renamed since an earlier replica). */
    public Replica startReplica(List<Pool> configured) {
        Replica replica = new Replica(configured);
        replicas.add(replica);
        replica.loop.start();
        return replica;
    }

    /**
     * A replica whose passes the test runs itself, one at a time on the test's thread ({@link Replica#pass()}), with
     * the pod informers its loop would start: for simulated hours on the world's clock.
     */
    public Replica drivenReplica() {
        Replica replica = new Replica(this.pools);
        replicas.add(replica);
        for (String namespace : replica.reconciler.namespaces()) {
            var informer = replica.client
                    .pods()
                    .inNamespace(namespace)
                    .withLabel(RunnerPodFactory.MANAGED_BY_LABEL, RunnerPodFactory.MANAGED_BY)
                    .inform();
            replica.informers.add(informer);
            replica.reconciler.cachePods(namespace, informer);
        }
        return replica;
    }

    public final class Replica implements AutoCloseable {
        public final KubernetesClient client;
        public final GitHubClients gitHub;
        public final RunnerReconciler reconciler;
        public final ReconcileLoop loop;
        public final PoolStatusBoard board = new PoolStatusBoard();
        public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        public final dev.runnerscale.autoscaler.nodes.KubernetesNodes nodes;
        public final dev.runnerscale.autoscaler.capacity.providers.PoolCapacity capacity;
        public final dev.runnerscale.autoscaler.interruptions.Interruptions interruptions;
        public final dev.runnerscale.autoscaler.cost.accounting.CostAccountant costs;
        public final dev.runnerscale.autoscaler.cost.accounting.JdbcCostLedger costLedger;
        private final RunnerEvents events;
        private final List<io.fabric8.kubernetes.client.informers.SharedIndexInformer<Pod>> informers =
                new CopyOnWriteArrayList<>();
        private final AtomicLong passes = new AtomicLong();

        Replica(List<Pool> configured) {
            this.client = server.client();
            this.gitHub = GitHubClients.withAppLookingUpInstallations(
                    gitHubServer.baseUrl(), 4242, KEY, githubSettings, clock);
            this.events = new RunnerEvents(client, clock, properties.eventDedupeWindow(), ownNamespace, "autoscaler-0");
            PoolsProperties poolsProperties = new PoolsProperties(configured);
            this.nodes = new dev.runnerscale.autoscaler.nodes.KubernetesNodes(client, clock);
            nodes.start();
            this.capacity = new dev.runnerscale.autoscaler.capacity.providers.PoolCapacity(
                    poolsProperties, Optional.ofNullable(autoScaling), nodes, registry, clock);
            this.interruptions = new dev.runnerscale.autoscaler.interruptions.Interruptions(
                    new dev.runnerscale.autoscaler.interruptions.JdbcInterruptionLedger(ledger.jdbc),
                    new dev.runnerscale.autoscaler.interruptions.GitHubJobRerunner(gitHub.jobs()),
                    registry,
                    clock);
            configured.forEach(p -> interruptions.registerPool(p.name()));
            this.costLedger = new dev.runnerscale.autoscaler.cost.accounting.JdbcCostLedger(ledger.jdbc);
            var costMetrics = new dev.runnerscale.autoscaler.cost.accounting.CostMetrics(
                    registry, new dev.runnerscale.autoscaler.cost.RepositoryLabels(20, List.of()));
            configured.forEach(p -> costMetrics.registerPool(p.name()));
            this.costs = new dev.runnerscale.autoscaler.cost.accounting.CostAccountant(
                    costLedger, prices, nodes, costMetrics, poolsProperties, clock);
            var nodeCapacity = new dev.runnerscale.autoscaler.capacity.providers.ClusterNodeCapacity(
                    capacity,
                    nodes,
                    interruptions,
                    new dev.runnerscale.autoscaler.capacity.providers.KarpenterEvents(
                            client, clock, java.time.Duration.ofSeconds(10)),
                    clock);
            this.reconciler = new RunnerReconciler(
                    poolsProperties,
                    properties,
                    ledger.ledger,
                    gitHub.runners(),
                    new KubernetesRunnerFleet(client),
                    events,
                    board,
                    new RunnerMetrics(registry, configured, board),
                    clock,
                    java.util.stream.Stream.concat(
                                    java.util.stream.Stream.of(
                                            new dev.runnerscale.autoscaler.cost.accounting.RunnerCostListener(costs)),
                                    listeners.stream().map(l -> l.apply(this)))
                            .toList(),
                    nodeCapacity);
            org.awaitility.Awaitility.await("node informer synced")
                    .atMost(java.time.Duration.ofSeconds(30))
                    .until(nodes::synced);
            this.loop = new ReconcileLoop(
                    reconciler,
                    new AlwaysLeader(),
                    client,
                    properties.resyncPeriod(),
                    properties.minPassInterval(),
                    clock);
        }

        public double counter(String name, String... tags) {
            // the sum over every series with these tags: pools' series exist at zero from the start
            return registry.find(name).tags(tags).counters().stream()
                    .mapToDouble(io.micrometer.core.instrument.Counter::count)
                    .sum();
        }

        /** One pass over every pool, on the caller's thread; returns when the next pass is due. */
        public Optional<Instant> pass() {
            return reconciler.reconcile(reconciler.poolNamesWithPods(), "d" + passes.incrementAndGet());
        }

        @Override
        public void close() {
            loop.stop();
            informers.forEach(i -> i.close());
            nodes.close();
            events.close();
            replicas.remove(this);
            client.close();
        }
    }

    public void requestPass() {
        replicas.forEach(r -> r.loop.requestAll());
    }

    // ---- jobs, as GitHub's deliveries bring them to the ledger

    /** Queues a job of {@code owner/repository} asking for {@code labels}; returns its id. */
    public long queue(String owner, String repository, String... labels) {
        long id = JOBS.incrementAndGet();
        record(id, owner, repository, List.of(labels), JobStatus.QUEUED, null, null, null, null);
        return id;
    }

    /** {@code jobs} jobs of the pool's own scope, with the pool's labels. */
    public List<Long> queue(String pool, int jobs) {
        Pool p = pool(pool);
        String repository = p.github().organisationScoped() ? "app" : p.github().repository();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            ids.add(queue(p.github().owner(), repository, p.labels().toArray(String[]::new)));
        }
        return ids;
    }

    public void start(long jobId, long runnerId, String runnerName) {
        LedgerJob job = job(jobId);
        record(
                jobId,
                job.owner(),
                job.repository(),
                job.labels(),
                JobStatus.IN_PROGRESS,
                null,
                runnerId,
                runnerName,
                null);
    }

    public void complete(long jobId, String conclusion) {
        complete(jobId, conclusion, null);
    }

    /** The job's {@code completed} delivery under this delivery id (another delivery of the same event). */
    public void complete(long jobId, String conclusion, String deliveryId) {
        LedgerJob job = job(jobId);
        record(
                jobId,
                job.owner(),
                job.repository(),
                job.labels(),
                JobStatus.COMPLETED,
                conclusion,
                job.runnerId(),
                job.runnerName(),
                deliveryId);
    }

    public LedgerJob job(long jobId) {
        return ledger.ledger.find(jobId).orElseThrow();
    }

    private void record(
            long id,
            String owner,
            String repository,
            List<String> labels,
            JobStatus status,
            String conclusion,
            Long runnerId,
            String runnerName,
            String deliveryId) {
        Instant now = clock.instant();
        boolean running = status != JobStatus.QUEUED;
        JobObservation observation = new JobObservation(
                id,
                id,
                1,
                owner,
                repository,
                "CI",
                "build",
                labels,
                status,
                conclusion,
                now,
                now,
                status == JobStatus.COMPLETED ? now : null,
                running ? runnerId : null,
                running ? runnerName : null,
                deliveryId != null ? deliveryId : "d-" + id + "-" + status.wire(),
                now);
        String pool = matcher.match(owner, repository, labels).orElse(null);
        ledger.ledger.record(
                List.of(new JobDelivery(observation.deliveryId(), status.wire(), observation, pool, false)));
    }

    public Optional<Long> oldestQueued(String pool) {
        return ledger
                .jdbc
                .queryForList(
                        "SELECT id FROM workflow_jobs WHERE status_rank = ? AND pool = ? ORDER BY id LIMIT 1",
                        Long.class,
                        JobStatus.QUEUED.rank(),
                        pool)
                .stream()
                .findFirst();
    }

    public long count(String pool, JobStatus status) {
        return ledger.jdbc.queryForObject(
                "SELECT count(*) FROM workflow_jobs WHERE status_rank = ? AND pool = ?",
                Long.class,
                status.rank(),
                pool);
    }

    // ---- run.sh

    /** Runners of this pool never come online on GitHub (egress blocked, a bad image): they just run. */
    public void neverOnline(String pool) {
        neverOnline.add(pool);
    }

    /**
     * Every runner that comes online takes the oldest queued job of its pool (GitHub assigns it, the ledger hears
     * in_progress) and, when {@code complete}, finishes it at once (completed, ephemeral runner gone, pod Succeeded).
     */
    public void runnersTakeJobs(boolean complete) {
        this.completeJobs = complete;
        this.takeJobs = true;
    }

    private void runnerStarted(Pod pod) {
        String pool = pod.getMetadata().getLabels().get(RunnerPodFactory.POOL_LABEL);
        String runnerName = runnerName(pod);
        if (pool == null || github.runner(runnerName).isEmpty() || neverOnline.contains(pool)) {
            return;
        }
        github.online(runnerName);
        if (!takeJobs) {
            return;
        }
        Optional<Long> job = oldestQueued(pool);
        if (job.isEmpty()) {
            return;
        }
        long runnerId = github.assign(runnerName);
        start(job.get(), runnerId, runnerName);
        if (completeJobs) {
            complete(job.get(), "success");
            github.finish(runnerName);
            kubelets.get(pod.getMetadata().getNamespace())
                    .succeed(pod.getMetadata().getName());
        }
    }

    // ---- what there is to see

    public List<Pod> pods(String pool) {
        Pool p = pool(pool);
        return client.pods()
                .inNamespace(p.namespace())
                .withLabel(RunnerPodFactory.POOL_LABEL, pool)
                .list()
                .getItems();
    }

    public List<Pod> runningPods(String pool) {
        return pods(pool).stream()
                .filter(p ->
                        p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
                .toList();
    }

    public static String runnerName(Pod pod) {
        return pod.getMetadata().getAnnotations().get(RunnerPodFactory.RUNNER_NAME_ANNOTATION);
    }

    /** The runner names of this pool GitHub has registered (in its scope, named for the pool). */
    public List<String> registered(String pool) {
        RunnerNames names = new RunnerNames(properties.namePrefix());
        return github.runnerNames(pool(pool).github()).stream()
                .filter(n -> names.belongsTo(n, pool))
                .toList();
    }

    /** Kubernetes Events of a reason in the given namespaces (the pools' and this replica's own). */
    public List<Event> events(String reason, Collection<String> namespaces) {
        List<Event> out = new ArrayList<>();
        for (String namespace : namespaces) {
            client.v1().events().inNamespace(namespace).list().getItems().stream()
                    .filter(e -> reason.equals(e.getReason()))
                    .forEach(out::add);
        }
        return out;
    }

    public List<Event> poolEvents(String reason) {
        return events(reason, List.of(ownNamespace));
    }

    public GitHubScope scope(String pool) {
        return pool(pool).github();
    }

    @Override
    public void close() {
        List.copyOf(replicas).forEach(Replica::close);
        kubelets.values().forEach(Kubelet::close);
        client.close();
        ledger.close();
    }
}
