package dev.runnerscale.autoscaler.runners;

import static dev.runnerscale.autoscaler.runners.RunnerPodFactory.MANAGED_BY;
import static dev.runnerscale.autoscaler.runners.RunnerPodFactory.MANAGED_BY_LABEL;
import static dev.runnerscale.autoscaler.runners.RunnerPodFactory.POOL_LABEL;

import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The adapter that talks to the API server about runner pods and their Secrets. It never decides anything; every
 * write is idempotent in effect (a create of an existing name reports {@link Outcome#ALREADY_EXISTS}, a delete of a
 * missing object is a no-op), so a repeated pass converges instead of failing.
 */
public class KubernetesRunnerFleet {

    public enum Outcome {
        CREATED,
        ALREADY_EXISTS,
        PATCHED,
        NOOP,
        DELETED
    }

    private final KubernetesClient client;
    private final Map<String, SharedIndexInformer<Pod>> podCaches = new ConcurrentHashMap<>();

    public KubernetesRunnerFleet(KubernetesClient client) {
        this.client = client;
    }

    /**
     * Serves {@link #observedPods} of a namespace from this informer's cache (runner pods of every pool) once it has
     * synced. Without it every reconcile pass would LIST pods from the API server, dozens of times a second while a
     * burst of webhooks keeps triggering passes.
     */
    public void cachePods(String namespace, SharedIndexInformer<Pod> informer) {
        podCaches.put(namespace, informer);
    }

    public void dropPodCaches() {
        podCaches.clear();
    }

    /**
     * A pool's pods for a scaling decision: from the informer's cache when it has synced and watches, so possibly a
     * moment behind the API server. That is safe for decisions: a create into a slot the cache does not show as taken
     * yet gets a 409, a delete of a pod already gone is a no-op, and every change the cache catches up with triggers
     * another pass. The objects are the cache's own: read them, never modify them.
     */
    public List<Pod> observedPods(Pool pool) {
        return observedPods(pool.namespace(), pool.name());
    }

    /** A pool's pods in a namespace, as {@link #observedPods(Pool)}; also for a pool no longer configured. */
    public List<Pod> observedPods(String namespace, String pool) {
        SharedIndexInformer<Pod> informer = podCaches.get(namespace);
        // not while the watch is down (it retries with back-off): the cache would stay as it was, silently
        if (informer == null || !informer.hasSynced() || !informer.isWatching()) {
            return client.pods()
                    .inNamespace(namespace)
                    .withLabel(MANAGED_BY_LABEL, MANAGED_BY)
                    .withLabel(POOL_LABEL, pool)
                    .list()
                    .getItems();
        }
        return informer.getStore().list().stream()
                .filter(p -> p.getMetadata().getLabels() != null
                        && pool.equals(p.getMetadata().getLabels().get(POOL_LABEL)))
                .toList();
    }

    /** The pool names of the runner pods in the namespace's cache (every pool, configured or not). */
    public java.util.Set<String> poolsWithPods(String namespace) {
        SharedIndexInformer<Pod> informer = podCaches.get(namespace);
        List<Pod> pods = informer == null || !informer.hasSynced() || !informer.isWatching()
                ? podsIn(namespace)
                : informer.getStore().list();
        java.util.Set<String> pools = new java.util.HashSet<>();
        for (Pod pod : pods) {
            Map<String, String> labels = pod.getMetadata().getLabels();
            if (labels != null && labels.get(POOL_LABEL) != null) {
                pools.add(labels.get(POOL_LABEL));
            }
        }
        return pools;
    }

    /** Every runner pod in the namespace as the API server has it now (a LIST), whatever its pool. */
    public List<Pod> podsIn(String namespace) {
        return client.pods()
                .inNamespace(namespace)
                .withLabel(MANAGED_BY_LABEL, MANAGED_BY)
                .list()
                .getItems();
    }

    /** Every runner JIT Secret in the namespace (a LIST), whatever its pool. */
    public List<Secret> secretsIn(String namespace) {
        return client.secrets()
                .inNamespace(namespace)
                .withLabel(MANAGED_BY_LABEL, MANAGED_BY)
                .list()
                .getItems();
    }

    /**
     * Creates the pod. The name is the slot, so a pod over the cap cannot exist: the API server answers a second
     * create of the same name with 409, which means another pass (or replica) already filled the slot.
     */
    public CreatedPod createPod(Pod desired) {
        try {
            Pod created = client.pods()
                    .inNamespace(desired.getMetadata().getNamespace())
                    .resource(desired)
                    .create();
            return new CreatedPod(Outcome.CREATED, Optional.of(created));
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                return new CreatedPod(Outcome.ALREADY_EXISTS, Optional.empty());
            }
            throw refusal(e);
        }
    }

    /**
     * The API server refused to create a pool's object for a reason that waiting will not fix: RBAC (403), a
     * namespace that does not exist (404), an invalid spec or an admission webhook's veto (400, 422). The pool's
     * setting or the cluster's must change; its pass is held, other pools go on.
     */
    public static final class RefusedException extends RuntimeException {
        private final int code;

        RefusedException(KubernetesClientException cause) {
            super(cause.getMessage(), cause);
            this.code = cause.getCode();
        }

        public int code() {
            return code;
        }
    }

    private static RuntimeException refusal(KubernetesClientException e) {
        int code = e.getCode();
        return code == 400 || code == 403 || code == 404 || code == 422 ? new RefusedException(e) : e;
    }

    public record CreatedPod(Outcome outcome, Optional<Pod> pod) {}

    /**
     * Creates the Secret. Secrets are immutable, so a leftover of an earlier pod in the same slot (whose owner the
     * garbage collector has not reached yet) is deleted and the Secret created anew.
     */
    public Outcome createSecret(Secret desired) {
        var secrets = client.secrets().inNamespace(desired.getMetadata().getNamespace());
        try {
            secrets.resource(desired).create();
            return Outcome.CREATED;
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw refusal(e);
            }
        }
        secrets.withName(desired.getMetadata().getName()).delete();
        secrets.resource(desired).create();
        return Outcome.CREATED;
    }

    /** Adds or changes annotations; patches only when a value differs. */
    public Outcome annotate(Pod pod, Map<String, String> annotations) {
        Map<String, String> current = pod.getMetadata().getAnnotations();
        boolean same = current != null
                && annotations.entrySet().stream().allMatch(e -> Objects.equals(current.get(e.getKey()), e.getValue()));
        if (same) {
            return Outcome.NOOP;
        }
        // A JSON merge patch of the annotations alone: no resourceVersion, so it never conflicts with the kubelet's
        // status updates, and it cannot resurrect a deleted pod (404).
        Map<String, Object> patch = Map.of("metadata", Map.of("annotations", annotations));
        try {
            client.pods()
                    .inNamespace(pod.getMetadata().getNamespace())
                    .withName(pod.getMetadata().getName())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch));
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                return Outcome.NOOP; // deleted meanwhile (its runner ended): nothing left to annotate
            }
            throw e;
        }
        return Outcome.PATCHED;
    }

    /**
     * Deletes this runner pod (the observed one, by uid) and its JIT Secret. The slot's name may already belong to a
     * newer pod created by another pass or replica: that pod, possibly running a job, and its Secret are left alone.
     * (The garbage collector would remove the Secret too, but not before the slot is reused.)
     */
    public Outcome deleteRunner(Pod observed) {
        String namespace = observed.getMetadata().getNamespace();
        String name = observed.getMetadata().getName();
        String uid = observed.getMetadata().getUid();
        var resource = client.pods().inNamespace(namespace).withName(name);
        Pod current = resource.get();
        boolean deleted = false;
        if (current != null && Objects.equals(uid, current.getMetadata().getUid())) {
            deleted = !resource.delete().isEmpty();
        }
        var secret = client.secrets().inNamespace(namespace).withName(RunnerPodFactory.secretName(name));
        Secret currentSecret = secret.get();
        if (currentSecret != null && ownedBy(currentSecret, uid)) {
            secret.delete();
        }
        return deleted ? Outcome.DELETED : Outcome.NOOP;
    }

    /**
     * Deletes a Secret whose pod is gone, unless a pod of that name exists again by now (a concurrent pass reused
     * the slot and this may be its fresh Secret).
     */
    public Outcome deleteOrphanSecret(Secret orphan) {
        String namespace = orphan.getMetadata().getNamespace();
        String secretName = orphan.getMetadata().getName();
        String podName = secretName.endsWith("-jit") ? secretName.substring(0, secretName.length() - 4) : secretName;
        if (client.pods().inNamespace(namespace).withName(podName).get() != null) {
            return Outcome.NOOP;
        }
        // Only the very Secret that was listed: a same-named one may be a reused slot's fresh Secret.
        var resource = client.secrets().inNamespace(namespace).withName(secretName);
        Secret current = resource.get();
        if (current == null
                || !Objects.equals(
                        current.getMetadata().getUid(), orphan.getMetadata().getUid())) {
            return Outcome.NOOP;
        }
        return resource.delete().isEmpty() ? Outcome.NOOP : Outcome.DELETED;
    }

    public boolean secretExists(String namespace, String secretName) {
        return client.secrets().inNamespace(namespace).withName(secretName).get() != null;
    }

    private static boolean ownedBy(Secret secret, String podUid) {
        var owners = secret.getMetadata().getOwnerReferences();
        return owners == null || owners.isEmpty() || owners.stream().anyMatch(o -> Objects.equals(o.getUid(), podUid));
    }

    public Outcome deleteSecret(String namespace, String secretName) {
        return client.secrets()
                        .inNamespace(namespace)
                        .withName(secretName)
                        .delete()
                        .isEmpty()
                ? Outcome.NOOP
                : Outcome.DELETED;
    }
}
