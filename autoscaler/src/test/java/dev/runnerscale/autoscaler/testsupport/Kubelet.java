package dev.runnerscale.autoscaler.testsupport;

import dev.runnerscale.autoscaler.runners.RunnerPodFactory;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Plays the kubelet for one namespace of the mock API server: a pod whose JIT Secret exists (or whose registration
 * was skipped in dry-run) becomes Running, as a real kubelet waits for a mounted Secret; tests then make pods succeed
 * or fail. It also records the largest number of runner pods that existed at once, from the server's own watch
 * stream (ADDED/DELETED in the server's order), so "never more than max at any instant" is measured, not assumed.
 *
 * <p>With {@link #schedules(boolean) scheduling} on it also plays kube-scheduler for the cluster's nodes: a pod is
 * bound to the first node (by name) that is not cordoned, whose labels match its node selector and its required node
 * affinity ({@code matchExpressions} and {@code matchFields} on {@code metadata.name}), whose {@code NoSchedule} and
 * {@code NoExecute} taints it tolerates, and whose allocatable CPU and memory hold its requests beside the pods bound
 * there already (every namespace). The binding sets {@code spec.nodeName} and a {@code PodScheduled=True} condition; a
 * pod that fits nowhere stays Pending with {@code PodScheduled=False}, reason {@code Unschedulable}, as kube-scheduler
 * reports it, and is tried again on every resync (a node added, uncordoned or freed takes it). Only a bound pod runs.
 */
public final class Kubelet implements AutoCloseable {

    private final KubernetesClient client;
    private final String namespace;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "test-kubelet");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> live = ConcurrentHashMap.newKeySet();
    private final AtomicInteger maxLive = new AtomicInteger();
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger created = new AtomicInteger();
    private final Watch podWatch;
    private final Watch secretWatch;
    private volatile boolean holdPending;
    private volatile boolean holdStart;
    private volatile String node;
    private volatile Clock clock;
    private final Map<String, java.time.Instant> nodesAdded = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicInteger failedResyncs =
            new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean schedules;
    private volatile Consumer<Pod> onRunning = pod -> {};
    private volatile java.util.function.Predicate<Pod> runnerDone = pod -> false;

    /** One scheduler for every kubelet of the JVM: two must not both fill a node's last room. */
    private static final Object SCHEDULER = new Object();

    public Kubelet(KubernetesClient client, String namespace) {
        this(client, namespace, java.time.Clock.systemUTC());
    }

    /** @param clock what the kubelet and scheduler stamp their times with (a test's clock) */
    public Kubelet(KubernetesClient client, String namespace, java.time.Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.clock = clock;
        this.podWatch = client.pods().inNamespace(namespace).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                String name = pod.getMetadata().getName();
                switch (action) {
                    case ADDED -> {
                        created.incrementAndGet();
                        live.add(name);
                        maxLive.accumulateAndGet(live.size(), Math::max);
                    }
                    case DELETED -> live.remove(name);
                    default -> {}
                }
                if (action != Action.DELETED) {
                    work(() -> maybeStart(name));
                }
            }

            @Override
            public void onClose(WatcherException cause) {}
        });
        this.secretWatch = client.secrets().inNamespace(namespace).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Secret secret) {
                String name = secret.getMetadata().getName();
                if (action == Action.ADDED && name.endsWith("-jit")) {
                    work(() -> maybeStart(name.substring(0, name.length() - 4)));
                }
            }

            @Override
            public void onClose(WatcherException cause) {}
        });
        worker.scheduleWithFixedDelay(
                () -> {
                    // never let one failed round end the resync: a ScheduledExecutorService silently cancels a task
                    // that throws, and every pod after it would wait forever (a 409 of a racing update, a mock-server
                    // hiccup under load); the next round retries
                    try {
                        resync();
                    } catch (RuntimeException e) {
                        if (!closed) {
                            failedResyncs.incrementAndGet();
                        }
                    }
                },
                250,
                250,
                TimeUnit.MILLISECONDS);
    }

    /**
     * The real kubelet resyncs too; here it also covers a fabric8 mock-server race that can drop the events of a
     * watch that was just opened (fabric8io/kubernetes-client#7867).
     */
    private void resync() {
        for (Pod p : client.pods().inNamespace(namespace).list().getItems()) {
            String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
            if (phase == null || "Pending".equals(phase)) {
                maybeStart(p.getMetadata().getName());
            } else if ("Running".equals(phase)
                    && p.getMetadata().getDeletionTimestamp() == null
                    && runnerDone.test(p)) {
                succeed(p.getMetadata().getName());
            }
        }
    }

    /** Plays kube-scheduler too: pods run only once bound to a node that fits them (see the class comment). */
    public Kubelet schedules(boolean on) {
        this.schedules = on;
        return this;
    }

    /**
     * The runner of a Running pod exits 0 once this says its job is done (an ephemeral runner after its one job), checked
     * on every resync: the local default's runners end when the ledger has their job completed.
     */
    public Kubelet runnerExitsWhen(java.util.function.Predicate<Pod> done) {
        this.runnerDone = done;
        return this;
    }

    /** While held, pods stay Pending (no node fits, image pull stuck). */
    public void holdPending(boolean hold) {
        this.holdPending = hold;
        if (!hold) {
            client.pods()
                    .inNamespace(namespace)
                    .list()
                    .getItems()
                    .forEach(p -> work(() -> maybeStart(p.getMetadata().getName())));
        }
    }

    /** Stamps the pods' times (scheduled, started, finished) and new nodes with this clock (default: wall time). */
    public void clock(Clock clock) {
        this.clock = clock;
    }

    /**
     * The scheduler binds every pod to this node before it can start ({@code spec.nodeName} and a {@code PodScheduled}
     * condition at the clock's time); null (the default) leaves pods unbound, as before.
     */
    public void bindTo(String nodeName) {
        this.node = nodeName;
        wakeAll();
    }

    /** While held, bound pods do not start (the image is being pulled). */
    public void holdStart(boolean hold) {
        this.holdStart = hold;
        if (!hold) {
            wakeAll();
        }
    }

    /**
     * A node joins the cluster now, by this kubelet's clock: what Karpenter or an Auto Scaling group adds. The mock API
     * server stamps the node with its own wall time, so the kubelet remembers when, on its clock, the node came
     * ({@link #nodeCreatedAt}).
     */
    public Node addNode(String name) {
        nodesAdded.put(name, clock.instant());
        return client.nodes()
                .resource(new NodeBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .endMetadata()
                        .build())
                .create();
    }

    /** When a node was added, by this kubelet's clock (empty for a node it did not add). */
    public Optional<java.time.Instant> nodeCreatedAt(String name) {
        return Optional.ofNullable(nodesAdded.get(name));
    }

    private void wakeAll() {
        client.pods()
                .inNamespace(namespace)
                .list()
                .getItems()
                .forEach(p -> work(() -> maybeStart(p.getMetadata().getName())));
    }

    /** Called (on the kubelet's thread) after a pod became Running: the test's runner takes a job here. */
    public void onRunning(Consumer<Pod> callback) {
        this.onRunning = callback;
    }

    private void work(Runnable task) {
        worker.execute(() -> {
            try {
                task.run();
            } catch (KubernetesClientException e) {
                if (!closed) {
                    throw e;
                }
                // the test is over and its client closed: nothing left to play kubelet for
            }
        });
    }

    private void maybeStart(String podName) {
        if (holdPending) {
            return;
        }
        Pod pod = client.pods().inNamespace(namespace).withName(podName).get();
        if (pod == null || pod.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if (phase != null && !"Pending".equals(phase)) {
            return;
        }
        String bindTo = node;
        boolean unbound = pod.getSpec().getNodeName() == null
                || pod.getSpec().getNodeName().isBlank();
        if (unbound && bindTo != null) {
            // the test names the node (a queue-time scenario's old or new node): no fitting is played
            bindDirectly(podName, bindTo);
        } else if (unbound && schedules) {
            pod = schedule(pod);
            if (pod == null || pod.getSpec().getNodeName() == null) {
                return; // Unschedulable: tried again on the next resync
            }
        }
        if (holdStart) {
            return;
        }
        boolean skipped = RunnerPodFactory.REGISTRATION_SKIPPED.equals(
                pod.getMetadata().getAnnotations().get(RunnerPodFactory.REGISTRATION_ANNOTATION));
        boolean secret = client.secrets()
                        .inNamespace(namespace)
                        .withName(RunnerPodFactory.secretName(podName))
                        .get()
                != null;
        if (!skipped && !secret) {
            return; // kubelet: MountVolume.SetUp failed, secret not found — the container waits
        }
        Pod running = setPhase(podName, "Running");
        if (running != null) {
            started.incrementAndGet();
            onRunning.accept(running);
        }
    }

    private Pod schedule(Pod pod) {
        synchronized (SCHEDULER) {
            List<Node> nodes = client.nodes().list().getItems().stream()
                    .sorted(java.util.Comparator.comparing(n -> n.getMetadata().getName()))
                    .toList();
            Map<String, long[]> used = new java.util.HashMap<>();
            for (Pod other : client.pods().inAnyNamespace().list().getItems()) {
                String node = other.getSpec().getNodeName();
                String phase =
                        other.getStatus() == null ? null : other.getStatus().getPhase();
                if (node != null && !"Succeeded".equals(phase) && !"Failed".equals(phase)) {
                    long[] requests = requests(other);
                    used.merge(node, requests, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
                }
            }
            long[] wanted = requests(pod);
            List<String> reasons = new ArrayList<>();
            for (Node node : nodes) {
                String why = unfit(
                        pod, node, wanted, used.getOrDefault(node.getMetadata().getName(), new long[2]));
                if (why == null) {
                    return bind(pod, node.getMetadata().getName());
                }
                reasons.add(why);
            }
            markUnschedulable(pod, nodes.size(), reasons);
            return null;
        }
    }

    /** Why the pod cannot go to the node, as kube-scheduler would summarise it; null when it fits. */
    private static String unfit(Pod pod, Node node, long[] wanted, long[] used) {
        if (Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
            return "node(s) were unschedulable";
        }
        Map<String, String> labels = node.getMetadata().getLabels() == null
                ? Map.of()
                : node.getMetadata().getLabels();
        Map<String, String> selector = pod.getSpec().getNodeSelector() == null
                ? Map.of()
                : pod.getSpec().getNodeSelector();
        if (!selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
            return "node(s) didn't match Pod's node affinity/selector";
        }
        if (!affinityAllows(pod, node.getMetadata().getName(), labels)) {
            return "node(s) didn't match Pod's node affinity/selector";
        }
        List<Taint> taints =
                node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
        for (Taint taint : taints) {
            if (!"PreferNoSchedule".equals(taint.getEffect()) && !tolerated(pod, taint)) {
                return "node(s) had untolerated taint {" + taint.getKey() + ": " + taint.getValue() + "}";
            }
        }
        Map<String, Quantity> allocatable =
                node.getStatus() == null ? null : node.getStatus().getAllocatable();
        long cpu = allocatable == null || allocatable.get("cpu") == null
                ? 0
                : Quantity.getAmountInBytes(allocatable.get("cpu"))
                        .multiply(java.math.BigDecimal.valueOf(1000))
                        .longValue();
        long memory = allocatable == null || allocatable.get("memory") == null
                ? 0
                : Quantity.getAmountInBytes(allocatable.get("memory")).longValue();
        if (used[0] + wanted[0] > cpu) {
            return "Insufficient cpu";
        }
        if (used[1] + wanted[1] > memory) {
            return "Insufficient memory";
        }
        return null;
    }

    private static boolean affinityAllows(Pod pod, String nodeName, Map<String, String> labels) {
        var affinity = pod.getSpec().getAffinity();
        if (affinity == null
                || affinity.getNodeAffinity() == null
                || affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
            return true;
        }
        // terms are ORed, the requirements of a term ANDed
        return affinity
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms()
                .stream()
                .anyMatch(term -> (term.getMatchExpressions() == null
                                || term.getMatchExpressions().stream()
                                        .allMatch(r -> matches(r, labels.get(r.getKey()))))
                        && (term.getMatchFields() == null
                                || term.getMatchFields().stream()
                                        .allMatch(r -> "metadata.name".equals(r.getKey()) && matches(r, nodeName))));
    }

    private static boolean matches(NodeSelectorRequirement r, String value) {
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        return switch (r.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> false;
        };
    }

    private static boolean tolerated(Pod pod, Taint taint) {
        List<Toleration> tolerations = pod.getSpec().getTolerations() == null
                ? List.of()
                : pod.getSpec().getTolerations();
        return tolerations.stream()
                .anyMatch(t -> (t.getEffect() == null
                                || t.getEffect().isBlank()
                                || t.getEffect().equals(taint.getEffect()))
                        && (t.getKey() == null || t.getKey().isBlank()
                                ? "Exists".equals(t.getOperator())
                                : t.getKey().equals(taint.getKey())
                                        && ("Exists".equals(t.getOperator())
                                                || java.util.Objects.equals(
                                                        t.getValue() == null ? "" : t.getValue(),
                                                        taint.getValue() == null ? "" : taint.getValue()))));
    }

    /** CPU in millicores and memory in bytes the pod requests (its containers; native sidecars included). */
    private static long[] requests(Pod pod) {
        long cpu = 0;
        long memory = 0;
        List<io.fabric8.kubernetes.api.model.Container> containers =
                new ArrayList<>(pod.getSpec().getContainers());
        if (pod.getSpec().getInitContainers() != null) {
            pod.getSpec().getInitContainers().stream()
                    .filter(c -> "Always".equals(c.getRestartPolicy()))
                    .forEach(containers::add);
        }
        for (var c : containers) {
            Map<String, Quantity> r =
                    c.getResources() == null ? null : c.getResources().getRequests();
            if (r == null) {
                continue;
            }
            if (r.get("cpu") != null) {
                cpu += Quantity.getAmountInBytes(r.get("cpu"))
                        .multiply(java.math.BigDecimal.valueOf(1000))
                        .longValue();
            }
            if (r.get("memory") != null) {
                memory += Quantity.getAmountInBytes(r.get("memory")).longValue();
            }
        }
        return new long[] {cpu, memory};
    }

    /** Binds as the scheduler does: the pod's node, then its {@code PodScheduled=True} condition. */
    private Pod bind(Pod pod, String nodeName) {
        String name = pod.getMetadata().getName();
        try {
            client.pods()
                    .inNamespace(namespace)
                    .withName(name)
                    .patch(
                            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                                    io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                            "{\"spec\":{\"nodeName\":\"" + nodeName + "\"}}");
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return null;
            }
            throw e;
        }
        String now = clock.instant().toString();
        return update(
                name,
                p -> new PodBuilder(p)
                        .editOrNewStatus()
                        .withPhase("Pending")
                        .withConditions(new PodConditionBuilder()
                                .withType("PodScheduled")
                                .withStatus("True")
                                .withLastTransitionTime(now)
                                .build())
                        .endStatus()
                        .build());
    }

    private void markUnschedulable(Pod pod, int nodes, List<String> reasons) {
        boolean already = pod.getStatus() != null
                && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "PodScheduled".equals(c.getType())
                                && "False".equals(c.getStatus())
                                && "Unschedulable".equals(c.getReason()));
        if (already) {
            return; // the transition time is when it became unschedulable, not the latest attempt
        }
        Map<String, Long> counted = new java.util.TreeMap<>();
        reasons.forEach(r -> counted.merge(r, 1L, Long::sum));
        String message = "0/" + nodes + " nodes are available: "
                + counted.entrySet().stream()
                        .map(e -> e.getValue() + " " + e.getKey())
                        .collect(java.util.stream.Collectors.joining(", "))
                + ". preemption: 0/" + nodes + " nodes are available.";
        String now = clock.instant().toString();
        update(
                pod.getMetadata().getName(),
                p -> new PodBuilder(p)
                        .editOrNewStatus()
                        .withPhase("Pending")
                        .withConditions(new PodConditionBuilder()
                                .withType("PodScheduled")
                                .withStatus("False")
                                .withReason("Unschedulable")
                                .withMessage(message)
                                .withLastTransitionTime(now)
                                .build())
                        .endStatus()
                        .build());
    }

    /** Binds to the node {@link #bindTo} names, without looking at it (the scheduler is off). */
    private void bindDirectly(String podName, String nodeName) {
        String now = clock.instant().toString();
        var resource = client.pods().inNamespace(namespace).withName(podName);
        for (int attempt = 1; ; attempt++) {
            try {
                resource.edit(pod -> new PodBuilder(pod)
                        .editSpec()
                        .withNodeName(nodeName)
                        .endSpec()
                        .editOrNewStatus()
                        .withPhase("Pending")
                        .addNewCondition()
                        .withType("PodScheduled")
                        .withStatus("True")
                        .withLastTransitionTime(now)
                        .endCondition()
                        .endStatus()
                        .build());
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    return;
                }
                if (e.getCode() != 409 || attempt == 10) {
                    throw e;
                }
            }
        }
    }

    /** The runner ran its job and exited 0: the pod ends Succeeded (a native sidecar is stopped with it). */
    public Pod succeed(String podName) {
        return runnerExits(podName, 0, "Completed", null);
    }

    /** The runner exited 1 (a failed registration, a crash): the pod ends Failed. */
    public Pod fail(String podName) {
        return runnerExits(podName, 1, "Error", null);
    }

    /**
     * {@code run.sh} exits with this code (0 for a refused registration, a runner deleted on GitHub, a session conflict
     * or — without {@code ACTIONS_RUNNER_RETURN_VERSION_DEPRECATED_EXIT_CODE} — a deprecated version): the pod ends
     * Succeeded on 0, Failed otherwise.
     */
    public Pod exit(String podName, int exitCode) {
        return runnerExits(podName, exitCode, exitCode == 0 ? "Completed" : "Error", null);
    }

    /** The job exceeded the runner container's memory limit: exit 137, {@code OOMKilled}, the pod Failed. */
    public Pod oomKill(String podName) {
        return runnerExits(podName, 137, "OOMKilled", null);
    }

    /** Node pressure: the kubelet evicts the pod (Failed, reason {@code Evicted}); the runner is killed. */
    public Pod evict(String podName) {
        return runnerExits(podName, 137, "Error", "Evicted");
    }

    /**
     * The runner exits while a Docker-in-Docker side container that is an ordinary container (not a native sidecar)
     * keeps running: the pod stays {@code Running} for ever, only the runner container's state says it ended.
     */
    public Pod runnerExitsPodStaysRunning(String podName, int exitCode) {
        return update(podName, pod -> {
            String now = clock.instant().toString();
            var status = new PodBuilder(pod)
                    .editOrNewStatus()
                    .withPhase("Running")
                    .withContainerStatuses(
                            containerStatus(
                                    pod, RunnerPodFactory.RUNNER_CONTAINER, terminated(exitCode, "Completed", now)),
                            containerStatus(pod, "dind", running(now)))
                    .endStatus()
                    .build();
            return status;
        });
    }

    private Pod runnerExits(String podName, int exitCode, String reason, String podReason) {
        String now = clock.instant().toString();
        String phase = exitCode == 0 && podReason == null ? "Succeeded" : "Failed";
        return update(podName, pod -> {
            PodBuilder builder = new PodBuilder(pod);
            var status = builder.editOrNewStatus()
                    .withPhase(phase)
                    .withReason(podReason)
                    .withStartTime(startTime(pod, now))
                    .withContainerStatuses(containerStatus(
                            pod,
                            RunnerPodFactory.RUNNER_CONTAINER,
                            terminated(exitCode, reason, now, runnerStartedAt(pod))));
            if (hasSidecar(pod)) {
                // the kubelet stops a native sidecar once the main containers ended; its exit does not set the phase
                status.withInitContainerStatuses(containerStatus(pod, "dind", terminated(0, "Completed", now)));
            }
            return status.endStatus().build();
        });
    }

    private Pod setPhase(String podName, String phase) {
        String now = clock.instant().toString();
        return update(podName, pod -> {
            var status = new PodBuilder(pod)
                    .editOrNewStatus()
                    .withPhase(phase)
                    .withStartTime(startTime(pod, now))
                    .withContainerStatuses(containerStatus(pod, RunnerPodFactory.RUNNER_CONTAINER, running(now)));
            if (hasSidecar(pod)) {
                status.withInitContainerStatuses(containerStatus(pod, "dind", running(now)));
            }
            return status.endStatus().build();
        });
    }

    private static boolean hasSidecar(Pod pod) {
        return pod.getSpec().getInitContainers() != null
                && pod.getSpec().getInitContainers().stream().anyMatch(c -> "Always".equals(c.getRestartPolicy()));
    }

    private static String startTime(Pod p, String now) {
        return p.getStatus() != null && p.getStatus().getStartTime() != null
                ? p.getStatus().getStartTime()
                : now;
    }

    private static io.fabric8.kubernetes.api.model.ContainerState running(String now) {
        return new ContainerStateBuilder()
                .withNewRunning()
                .withStartedAt(now)
                .endRunning()
                .build();
    }

    private static io.fabric8.kubernetes.api.model.ContainerState terminated(int exitCode, String reason, String now) {
        return terminated(exitCode, reason, now, null);
    }

    /** As the kubelet reports an ended container: with the time it had started, when it ran. */
    private static io.fabric8.kubernetes.api.model.ContainerState terminated(
            int exitCode, String reason, String now, String startedAt) {
        return new ContainerStateBuilder()
                .withNewTerminated()
                .withExitCode(exitCode)
                .withReason(reason)
                .withStartedAt(startedAt)
                .withFinishedAt(now)
                .endTerminated()
                .build();
    }

    private static String runnerStartedAt(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return null;
        }
        return pod.getStatus().getContainerStatuses().stream()
                .filter(s -> RunnerPodFactory.RUNNER_CONTAINER.equals(s.getName()))
                .filter(s -> s.getState() != null && s.getState().getRunning() != null)
                .map(s -> s.getState().getRunning().getStartedAt())
                .findFirst()
                .orElse(null);
    }

    private static io.fabric8.kubernetes.api.model.ContainerStatus containerStatus(
            Pod pod, String name, io.fabric8.kubernetes.api.model.ContainerState state) {
        String image = java.util.stream.Stream.concat(
                        pod.getSpec().getContainers().stream(),
                        pod.getSpec().getInitContainers() == null
                                ? java.util.stream.Stream.empty()
                                : pod.getSpec().getInitContainers().stream())
                .filter(c -> c.getName().equals(name))
                .map(io.fabric8.kubernetes.api.model.Container::getImage)
                .findFirst()
                .orElse("unknown");
        return new ContainerStatusBuilder()
                .withName(name)
                .withImage(image)
                .withReady(state.getRunning() != null)
                .withState(state)
                .build();
    }

    /** A status update, retried like the real kubelet's when it lost a race with another writer (409). */
    private Pod update(String podName, java.util.function.UnaryOperator<Pod> edit) {
        var resource = client.pods().inNamespace(namespace).withName(podName);
        if (resource.get() == null) {
            return null;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return resource.editStatus(edit);
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    return null; // deleted meanwhile
                }
                if (e.getCode() != 409 || attempt == 10) {
                    throw e;
                }
            }
        }
    }

    /** The most runner pods that existed at once in this namespace. */
    public int maxConcurrentPods() {
        return maxLive.get();
    }

    public int livePods() {
        return live.size();
    }

    public int podsCreated() {
        return created.get();
    }

    public int podsStarted() {
        return started.get();
    }

    @Override
    public void close() {
        closed = true;
        podWatch.close();
        secretWatch.close();
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
