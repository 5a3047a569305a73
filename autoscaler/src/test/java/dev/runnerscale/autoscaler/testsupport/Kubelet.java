package dev.runnerscale.autoscaler.testsupport;

import dev.runnerscale.autoscaler.runners.RunnerPodFactory;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Instant;
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
    private volatile boolean closed;
    private volatile Consumer<Pod> onRunning = pod -> {};

    public Kubelet(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
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
                    try {
                        resync();
                    } catch (KubernetesClientException e) {
                        if (!closed) {
                            throw e;
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
        client.pods().inNamespace(namespace).list().getItems().stream()
                .filter(p -> p.getStatus() == null
                        || p.getStatus().getPhase() == null
                        || "Pending".equals(p.getStatus().getPhase()))
                .forEach(p -> maybeStart(p.getMetadata().getName()));
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

    public Pod succeed(String podName) {
        return setPhase(podName, "Succeeded");
    }

    public Pod fail(String podName) {
        return setPhase(podName, "Failed");
    }

    private Pod setPhase(String podName, String phase) {
        String now = Instant.now().toString();
        var state = switch (phase) {
            case "Running" ->
                new ContainerStateBuilder()
                        .withNewRunning()
                        .withStartedAt(now)
                        .endRunning()
                        .build();
            case "Succeeded" ->
                new ContainerStateBuilder()
                        .withNewTerminated()
                        .withExitCode(0)
                        .withReason("Completed")
                        .withFinishedAt(now)
                        .endTerminated()
                        .build();
            default ->
                new ContainerStateBuilder()
                        .withNewTerminated()
                        .withExitCode(1)
                        .withReason("Error")
                        .withFinishedAt(now)
                        .endTerminated()
                        .build();
        };
        var resource = client.pods().inNamespace(namespace).withName(podName);
        if (resource.get() == null) {
            return null;
        }
        // Like the real kubelet: a status update that lost a race with another writer (409) is retried on the latest.
        for (int attempt = 1; ; attempt++) {
            try {
                return editStatus(resource, phase, now, state);
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

    private static Pod editStatus(
            io.fabric8.kubernetes.client.dsl.PodResource resource,
            String phase,
            String now,
            io.fabric8.kubernetes.api.model.ContainerState state) {
        return resource.editStatus(p -> new PodBuilder(p)
                .withNewStatus()
                .withPhase(phase)
                .withStartTime(
                        p.getStatus() != null && p.getStatus().getStartTime() != null
                                ? p.getStatus().getStartTime()
                                : now)
                .addToContainerStatuses(new ContainerStatusBuilder()
                        .withName(RunnerPodFactory.RUNNER_CONTAINER)
                        .withImage(p.getSpec().getContainers().get(0).getImage())
                        .withReady("Running".equals(phase))
                        .withState(state)
                        .build())
                .endStatus()
                .build());
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
