package dev.runnerscale.autoscaler.runners;

import dev.runnerscale.autoscaler.github.GitHubRunnerApi;
import dev.runnerscale.autoscaler.github.GitHubRunnerApi.RegisteredRunner;
import dev.runnerscale.autoscaler.github.GitHubRunnerApi.RunnerRemoval;
import dev.runnerscale.autoscaler.pools.PoolsProperties.GitHubScope;
import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.scaling.ObservedRunner;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What no pool's pass owns any more: GitHub runners of ours without a pod, Secrets without a pod, and the pods of
 * pools no longer configured (removed or renamed). A drained pool's idle runners are removed, GitHub first; busy ones
 * are left to finish their job (the pod ends with the runner, and the next drain collects it).
 *
 * <p>Identity is exact ({@link RunnerNames}): a runner is ours only when its name parses as ours, and belongs to the
 * pool its name says, so no pool's sweep can touch another pool's runners.
 */
final class FleetSweep {

    private static final Logger log = LoggerFactory.getLogger(FleetSweep.class);

    private final GitHubRunnerApi github;
    private final GitHubCalls calls;
    private final KubernetesRunnerFleet fleet;
    private final RunnerRetirement retirement;
    private final RunnerNames names;

    FleetSweep(
            GitHubRunnerApi github,
            GitHubCalls calls,
            KubernetesRunnerFleet fleet,
            RunnerRetirement retirement,
            RunnerNames names) {
        this.github = github;
        this.calls = calls;
        this.fleet = fleet;
        this.retirement = retirement;
        this.names = names;
    }

    /**
     * After a fresh listing of a scope: its runners of ours that no pod carries (and no pool still registers) are
     * removed unless busy, and the scope's pools' Secrets without a pod are deleted. The listing was taken before the
     * pass read its pods from the API server (and the Secrets after them): anything GitHub or a Secret knows was
     * created after its pod, so a runner or Secret without a pod here is a true orphan, not one a concurrent pass just
     * made.
     *
     * @param namespaces every namespace runner pods of this scope may live in
     * @param apiServer the pass's reads of the API server, taken after the listing
     */
    void sweepScope(
            GitHubScope scope,
            GitHubRunnerListings.Listing listing,
            Collection<Pool> poolsOfScope,
            Collection<String> namespaces,
            ApiServerSnapshot apiServer) {
        Set<String> podRunnerNames = new HashSet<>();
        Set<String> podNames = new HashSet<>();
        for (String namespace : namespaces) {
            for (Pod pod : apiServer.podsIn(namespace)) {
                podNames.add(namespace + "/" + RunnerPods.name(pod));
                String runnerName = RunnerPods.runnerName(pod);
                if (runnerName != null) {
                    podRunnerNames.add(runnerName);
                }
            }
        }
        for (RegisteredRunner runner : listing.runners()) {
            if (names.parse(runner.name()).isEmpty()
                    || runner.busy()
                    || podRunnerNames.contains(runner.name())
                    || retirement.removedThisPass(runner.name())) {
                continue;
            }
            Optional<RunnerRemoval> removal = calls.forPools(
                    scope, poolsOfScope, "remove orphan runner", () -> github.removeRunner(scope, runner.id()));
            if (removal.isEmpty()) {
                return; // held: the next sync sweeps again
            }
            log.info("orphan GitHub runner {} ({}) with no pod: {}", runner.name(), runner.id(), removal.get());
        }
        for (Pool pool : poolsOfScope) {
            for (Secret secret : apiServer.secrets(pool)) {
                deleteIfOrphan(secret, podNames);
            }
        }
    }

    /**
     * Drains the pods of a pool no longer configured, in the given namespaces. Returns whether anything is left
     * (busy runners finishing their job), so the caller looks again.
     *
     * @param busyRunnerNames runners the ledger knows to be running a job
     */
    boolean drain(
            String poolName,
            Collection<String> namespaces,
            Set<String> busyRunnerNames,
            Instant now,
            ApiServerSnapshot apiServer) {
        boolean left = false;
        Set<String> podNames = new HashSet<>();
        for (String namespace : namespaces) {
            for (Pod pod : fleet.observedPods(namespace, poolName)) {
                podNames.add(namespace + "/" + RunnerPods.name(pod));
                String runnerName = RunnerPods.runnerName(pod);
                ObservedRunner runner = RunnerPods.observe(pod, busyRunnerNames.contains(runnerName), false, now);
                switch (runner.state()) {
                    case TERMINATING -> left = true;
                    case SUCCEEDED, FAILED -> retirement.delete(null, pod, runner);
                    case BUSY -> {
                        left = true;
                        log.debug(
                                "pool {} is no longer configured; runner {} finishes its job first",
                                poolName,
                                runnerName);
                    }
                    case PENDING, IDLE -> {
                        if (RunnerPods.runnerId(pod).isEmpty() || scopeOf(pod) == null) {
                            // nothing registered, or registered where we cannot tell: the scope sweep removes an
                            // orphan runner it lists
                            retirement.delete(null, pod, runner);
                        } else {
                            RunnerRetirement.Outcome outcome = retirement.retire(
                                    null,
                                    scopeOf(pod),
                                    pod,
                                    runner,
                                    null,
                                    "pool " + poolName + " is no longer configured",
                                    "PoolRemoved");
                            left |= outcome != RunnerRetirement.Outcome.RETIRED;
                        }
                    }
                }
            }
            for (Secret secret : apiServer.secretsOf(namespace, poolName)) {
                deleteIfOrphan(secret, podNames);
            }
        }
        if (!left) {
            log.info("pool {} is no longer configured: drained", poolName);
        }
        return left;
    }

    private void deleteIfOrphan(Secret secret, Set<String> podNames) {
        String name = secret.getMetadata().getName();
        String podName = name.endsWith("-jit") ? name.substring(0, name.length() - 4) : name;
        if (!podNames.contains(secret.getMetadata().getNamespace() + "/" + podName)
                && fleet.deleteOrphanSecret(secret) == KubernetesRunnerFleet.Outcome.DELETED) {
            log.info("deleted orphan Secret {}", name);
        }
    }

    /** Where a pod's runner is registered, from the annotation the pod was created with. */
    static GitHubScope scopeOf(Pod pod) {
        String scope = RunnerPods.annotation(pod, RunnerPodFactory.GITHUB_SCOPE_ANNOTATION);
        if (scope == null || scope.isBlank()) {
            return null;
        }
        int slash = scope.indexOf('/');
        return slash < 0
                ? GitHubScope.of(scope, "", 1)
                : GitHubScope.of(scope.substring(0, slash), scope.substring(slash + 1), 1);
    }

    static Map<String, List<Pool>> byScope(Collection<Pool> pools) {
        Map<String, List<Pool>> out = new HashMap<>();
        pools.forEach(p -> out.computeIfAbsent(p.github().key(), k -> new java.util.ArrayList<>())
                .add(p));
        return out;
    }
}
