package dev.runnerscale.autoscaler.runners;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Kubernetes Events ({@code v1 Event}) on runner pods for scaling decisions and failures. Events are
 * de-duplicated: the same reason on the same pod within the window increments the first Event's {@code count}
 * instead of adding a new one. Writing is asynchronous and best effort (a bounded queue, oldest dropped), so an
 * Event never slows a pass down nor fails it.
 */
public class RunnerEvents implements AutoCloseable {

    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";

    private static final Logger log = LoggerFactory.getLogger(RunnerEvents.class);
    private static final int REMEMBERED = 2_000;

    private final KubernetesClient client;
    private final Clock clock;
    private final Duration window;
    private final ThreadPoolExecutor executor;
    // Bounded LRU of the Events written recently; only touched by the single writer thread.
    private final Map<String, Written> recent = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Written> eldest) {
            return size() > REMEMBERED;
        }
    };

    private record Written(String namespace, String eventName, int count, Instant first) {}

    private final String ownPodNamespace;
    private final String ownPodName;

    public RunnerEvents(KubernetesClient client, Clock clock, Duration window) {
        this(client, clock, window, null, null);
    }

    /**
     * @param ownPodNamespace with {@code ownPodName}, this replica's own pod, which carries pool-level Events (null:
     *     pool-level Events are not written)
     */
    public RunnerEvents(
            KubernetesClient client, Clock clock, Duration window, String ownPodNamespace, String ownPodName) {
        this.ownPodNamespace = ownPodNamespace;
        this.ownPodName = ownPodName;
        this.client = client;
        this.clock = clock;
        this.window = window;
        this.executor = new ThreadPoolExecutor(
                1,
                1,
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(1_000),
                runnable -> {
                    Thread t = new Thread(runnable, "runnerscale-events");
                    t.setDaemon(true);
                    return t;
                },
                new ThreadPoolExecutor.DiscardOldestPolicy());
    }

    public void record(Pod pod, String type, String reason, String message) {
        String namespace = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        String uid = pod.getMetadata().getUid();
        executor.execute(() -> write(namespace, name, uid, "", type, reason, message));
    }

    /**
     * An Event about a pool as a whole (no pod to hang it on: a held pool creates none). Written on this replica's own
     * pod, so {@code kubectl describe pod} of the autoscaler and {@code kubectl get events} in its namespace show it;
     * the pool's name is part of the de-duplication key.
     */
    public void recordForPool(String pool, String type, String reason, String message) {
        if (ownPodName == null || ownPodName.isBlank() || ownPodNamespace == null || ownPodNamespace.isBlank()) {
            return;
        }
        executor.execute(() -> write(ownPodNamespace, ownPodName, null, pool, type, reason, message));
    }

    private void write(
            String namespace, String pod, String uid, String subject, String type, String reason, String message) {
        Instant now = clock.instant();
        String key = namespace + "/" + pod + "/" + uid + "/" + subject + "/" + reason;
        Written previous = recent.get(key);
        try {
            if (previous != null && previous.first().plus(window).isAfter(now)) {
                int count = previous.count() + 1;
                Event updated = client.v1()
                        .events()
                        .inNamespace(namespace)
                        .withName(previous.eventName())
                        .edit(e -> new EventBuilder(e)
                                .withCount(count)
                                .withMessage(message)
                                .withLastTimestamp(now.toString())
                                .build());
                if (updated != null) {
                    recent.put(key, new Written(namespace, previous.eventName(), count, previous.first()));
                    return;
                }
            }
            String eventName = pod + "." + Long.toHexString(now.toEpochMilli()) + Integer.toHexString(key.hashCode());
            client.v1()
                    .events()
                    .inNamespace(namespace)
                    .resource(new EventBuilder()
                            .withNewMetadata()
                            .withName(eventName)
                            .withNamespace(namespace)
                            .endMetadata()
                            .withNewInvolvedObject()
                            .withApiVersion("v1")
                            .withKind("Pod")
                            .withNamespace(namespace)
                            .withName(pod)
                            .withUid(uid)
                            .endInvolvedObject()
                            .withType(type)
                            .withReason(reason)
                            .withMessage(message)
                            .withCount(1)
                            .withFirstTimestamp(now.toString())
                            .withLastTimestamp(now.toString())
                            .withNewSource()
                            .withComponent("runnerscale")
                            .endSource()
                            .withReportingComponent("runnerscale.dev/autoscaler")
                            .build())
                    .create();
            recent.put(key, new Written(namespace, eventName, 1, now));
        } catch (KubernetesClientException e) {
            // Best effort by design: an Event that cannot be written must not fail the reconcile pass.
            log.warn("could not write Kubernetes Event {} on pod {}/{}: {}", reason, namespace, pod, e.getMessage());
        }
    }

    @Override
    public void close() {
        executor.shutdown();
    }
}
