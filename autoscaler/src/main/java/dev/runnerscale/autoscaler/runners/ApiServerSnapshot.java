package dev.runnerscale.autoscaler.runners;

import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The runner pods and JIT Secrets of a synced pass, read from the API server (not the informer's cache) once per
 * namespace and shared by every pool of the pass: the lost-Secret check and the orphan sweep of twenty pools used to
 * LIST per pool, 41 round trips on every GitHub sync where two per namespace do.
 *
 * <p>Read lazily, and in the order the sweep relies on: a namespace's pods before its Secrets (a Secret is created
 * after its pod, so one listed without its pod here is gone or an orphan, never a pod's that is being created; the
 * fleet checks again before deleting one). Both reads come after the GitHub listing the pass sweeps with. One pass
 * only: pods created by this pass are not in it, which only defers their checks to the next sync.
 */
final class ApiServerSnapshot {

    private final KubernetesRunnerFleet fleet;
    private final Map<String, List<Pod>> pods = new HashMap<>();
    private final Map<String, List<Secret>> secrets = new HashMap<>();

    ApiServerSnapshot(KubernetesRunnerFleet fleet) {
        this.fleet = fleet;
    }

    /** Every runner pod of the namespace, whatever its pool. */
    List<Pod> podsIn(String namespace) {
        return pods.computeIfAbsent(namespace, fleet::podsIn);
    }

    /** The pool's runner pods. */
    List<Pod> pods(Pool pool) {
        return podsIn(pool.namespace()).stream()
                .filter(p -> pool.name().equals(RunnerPods.pool(p)))
                .toList();
    }

    /** The pool's JIT Secrets in its namespace. */
    List<Secret> secrets(Pool pool) {
        return secretsOf(pool.namespace(), pool.name());
    }

    /** A pool's JIT Secrets in a namespace (the namespace's pods are read first). */
    List<Secret> secretsOf(String namespace, String pool) {
        podsIn(namespace);
        return secrets.computeIfAbsent(namespace, fleet::secretsIn).stream()
                .filter(s -> s.getMetadata().getLabels() != null
                        && Objects.equals(pool, s.getMetadata().getLabels().get(RunnerPodFactory.POOL_LABEL)))
                .toList();
    }
}
