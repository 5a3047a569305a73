package dev.runnerscale.autoscaler.capacity.providers;

import dev.runnerscale.autoscaler.nodes.KubernetesTimestamps;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Karpenter's own word that it could not launch spot capacity for a pool's pods, read from the Events it writes
 * (verified in kubernetes-sigs/karpenter):
 *
 * <ol>
 *   <li>its provisioner nominates a pending pod to the NodeClaim it creates for it: a {@code Normal} Event on the pod,
 *       reason {@code Nominated}, message {@code Pod should schedule on: nodeclaim/<name>} (maybe followed by
 *       {@code , node/<name>}) ({@code pkg/controllers/provisioning/scheduling/events.go}, {@code NominatePodEvent});
 *   <li>when launching that NodeClaim fails with an insufficient-capacity error (EC2's
 *       {@code InsufficientInstanceCapacity}, {@code UnfulfillableCapacity}, {@code MaxSpotInstanceCountExceeded} for
 *       every offering it tried), Karpenter writes a {@code Warning} Event on the NodeClaim, reason
 *       {@code InsufficientCapacityError}, message {@code NodeClaim <name> event: creating instance, …}, and deletes the
 *       NodeClaim at once ({@code pkg/controllers/nodeclaim/lifecycle/launch.go}). No NodeClaim condition survives to
 *       be read — a {@code Launched=False} condition is only left for other launch errors. NodeClaims are
 *       cluster-scoped, so their Events live in namespace {@code default}.
 * </ol>
 *
 * A pod of the pool that asks for spot, still waits for a node, and was nominated to a NodeClaim that then failed so:
 * spot is short for that pool. Joining the two keeps another workload's shortage (of on-demand capacity, of another
 * instance family) from moving this pool.
 *
 * <p>Reads happen only while the pool has such waiting pods, at most every {@code interval} per pool: two LISTs (the
 * pool's namespace and {@code default}) with a field selector on the reason, so the API server sends only those
 * Events. An Event is reported once (by uid and count), and only if it happened at or after {@code notBefore} (a
 * probe's start).
 */
public class KarpenterEvents {

    static final String NOMINATED = "Nominated";
    static final String INSUFFICIENT_CAPACITY = "InsufficientCapacityError";
    /** Where the event recorder writes Events of cluster-scoped objects such as NodeClaims. */
    static final String CLUSTER_SCOPED_EVENTS_NAMESPACE = "default";

    private static final Pattern NODECLAIM = Pattern.compile("nodeclaim/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)");
    private static final int REMEMBERED = 1_000;

    private final KubernetesClient client;
    private final Clock clock;
    private final Duration interval;
    private final Map<String, Instant> lastLook = new ConcurrentHashMap<>();
    private final Map<String, Boolean> reported = java.util.Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    });

    public KarpenterEvents(KubernetesClient client, Clock clock, Duration interval) {
        this.client = client;
        this.clock = clock;
        this.interval = interval;
    }

    /**
     * Whether Karpenter failed to launch a NodeClaim one of {@code waiting} was nominated to, for lack of capacity, at
     * or after {@code notBefore}, and this was not reported before.
     *
     * @param waiting the pool's pods that ask for spot and wait for a node
     */
    public boolean insufficientCapacity(String pool, String namespace, Collection<Pod> waiting, Instant notBefore) {
        if (waiting.isEmpty()) {
            return false;
        }
        Instant now = clock.instant();
        Instant last = lastLook.get(pool);
        if (last != null && now.isBefore(last.plus(interval))) {
            return false;
        }
        lastLook.put(pool, now);
        Set<String> uids = waiting.stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
        Set<String> claims = new HashSet<>();
        for (Event e : list(namespace, NOMINATED)) {
            if (e.getInvolvedObject() != null
                    && "Pod".equals(e.getInvolvedObject().getKind())
                    && uids.contains(e.getInvolvedObject().getUid())
                    && e.getMessage() != null) {
                Matcher m = NODECLAIM.matcher(e.getMessage());
                while (m.find()) {
                    claims.add(m.group(1));
                }
            }
        }
        if (claims.isEmpty()) {
            return false;
        }
        boolean shortage = false;
        for (Event e : list(CLUSTER_SCOPED_EVENTS_NAMESPACE, INSUFFICIENT_CAPACITY)) {
            if (e.getInvolvedObject() == null
                    || !"NodeClaim".equals(e.getInvolvedObject().getKind())
                    || !claims.contains(e.getInvolvedObject().getName())) {
                continue;
            }
            Instant at = lastSeen(e);
            String key = e.getMetadata().getUid() + "/" + e.getCount();
            if (at != null && !at.isBefore(notBefore) && reported.put(key, Boolean.TRUE) == null) {
                shortage = true;
            }
        }
        return shortage;
    }

    private List<Event> list(String namespace, String reason) {
        // the API server filters on the reason (a field selector events support); filtered again here all the same
        return client.v1().events().inNamespace(namespace).withField("reason", reason).list().getItems().stream()
                .filter(e -> reason.equals(e.getReason()))
                .toList();
    }

    /** The last time the Event happened: its series' last observation, else its last timestamp, else its event time. */
    static Instant lastSeen(Event e) {
        if (e.getSeries() != null && e.getSeries().getLastObservedTime() != null) {
            Instant at = KubernetesTimestamps.parse(
                    e.getSeries().getLastObservedTime().getTime());
            if (at != null) {
                return at;
            }
        }
        Instant last = KubernetesTimestamps.parse(e.getLastTimestamp());
        if (last != null) {
            return last;
        }
        return e.getEventTime() == null
                ? KubernetesTimestamps.parse(e.getFirstTimestamp())
                : KubernetesTimestamps.parse(e.getEventTime().getTime());
    }
}
