package dev.runnerscale.autoscaler.runners;

import static dev.runnerscale.autoscaler.runners.RunnerPodFactory.RUNNER_ID_ANNOTATION;
import static dev.runnerscale.autoscaler.runners.RunnerPodFactory.RUNNER_NAME_ANNOTATION;

import dev.runnerscale.autoscaler.github.GitHubRunnerApi;
import dev.runnerscale.autoscaler.github.GitHubRunnerApi.JitRunner;
import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.scaling.ObservedRunner;
import dev.runnerscale.autoscaler.scaling.RunnerState;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers runner pods with GitHub just in time: {@code generate-jitconfig} under the pod's runner name, the JIT
 * config into a Secret the pod mounts (owned by the pod; the kubelet holds the container until it exists), then the
 * GitHub runner id onto the pod. A pod whose registration failed is registered again under a fresh name — by this
 * replica at once, by another one after the registration grace (its creator may still be registering it).
 */
final class RunnerRegistrar {

    private static final Logger log = LoggerFactory.getLogger(RunnerRegistrar.class);

    private final GitHubRunnerApi github;
    private final GitHubCalls calls;
    private final KubernetesRunnerFleet fleet;
    private final RunnerNames names;
    private final Duration registrationGrace;
    private final RunnerListeners listeners;
    private final java.time.Clock clock;
    private final Set<String> awaiting = ConcurrentHashMap.newKeySet();

    RunnerRegistrar(
            GitHubRunnerApi github,
            GitHubCalls calls,
            KubernetesRunnerFleet fleet,
            RunnerNames names,
            Duration registrationGrace,
            RunnerListeners listeners,
            java.time.Clock clock) {
        this.listeners = listeners;
        this.clock = clock;
        this.github = github;
        this.calls = calls;
        this.fleet = fleet;
        this.names = names;
        this.registrationGrace = registrationGrace;
    }

    /** A pod this replica created and owes a registration. */
    void created(Pool pool, Pod pod) {
        awaiting.add(key(pool, RunnerPods.name(pod)));
    }

    void forget(Pool pool, String podName) {
        awaiting.remove(key(pool, podName));
    }

    boolean anyAwaiting() {
        return !awaiting.isEmpty();
    }

    /** Whether the pod this replica created still waits for its registration. */
    boolean awaiting(Pool pool, Pod pod) {
        return awaiting.contains(key(pool, RunnerPods.name(pod)));
    }

    /** Registers the pods; stops at the first failure (the pool or its credential is then held). */
    boolean register(Pool pool, Collection<Pod> pods) {
        for (Pod pod : pods) {
            if (!register(pool, pod)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Pending pods without a registration: this replica's whose registration failed, or another replica's (or from
     * before a restart) past the grace. Each gets a fresh runner name: the old one may be half-registered, and the
     * orphan sweep removes it.
     */
    boolean registerAbandoned(Pool pool, List<Pod> pods, Map<String, ObservedRunner> runners, Instant now) {
        for (Pod pod : pods) {
            ObservedRunner runner = runners.get(RunnerPods.name(pod));
            if (runner == null || runner.state() != RunnerState.PENDING || RunnerPods.registrationSettled(pod)) {
                continue;
            }
            boolean ours = awaiting.contains(key(pool, runner.podName()));
            boolean abandoned = !runner.since().plus(registrationGrace).isAfter(now);
            if ((ours || abandoned) && !registerUnderFreshName(pool, pod, runner.slot())) {
                return false;
            }
        }
        return true;
    }

    /**
     * A registered pod still waiting for its Secret that no longer exists (deleted by hand, or lost to a race with a
     * reused slot) can never start: it is registered again under a fresh name. Reads the pool's Secrets (a LIST), so
     * the caller runs it with the GitHub sync, not on every pass.
     */
    boolean registerLostSecrets(Pool pool, ApiServerSnapshot apiServer) {
        Set<String> secretNames = apiServer.secrets(pool).stream()
                .map(s -> s.getMetadata().getName())
                .collect(Collectors.toSet());
        for (Pod pod : apiServer.pods(pool)) {
            String secretName = RunnerPodFactory.secretName(RunnerPods.name(pod));
            if (RunnerPods.annotation(pod, RUNNER_ID_ANNOTATION) != null
                    && RunnerPods.pending(pod)
                    && !secretNames.contains(secretName)
                    && !fleet.secretExists(pool.namespace(), secretName)) {
                log.warn("runner pod {} lost its JIT Secret; registering it again", RunnerPods.name(pod));
                if (!registerUnderFreshName(pool, pod, RunnerPods.slot(pod))) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean registerUnderFreshName(Pool pool, Pod pod, int slot) {
        String fresh = names.next(pool.name(), slot);
        fleet.annotate(pod, Map.of(RUNNER_NAME_ANNOTATION, fresh));
        // a copy: the observed pod may be the informer cache's own object
        Pod renamed = new PodBuilder(pod)
                .editMetadata()
                .addToAnnotations(RUNNER_NAME_ANNOTATION, fresh)
                .endMetadata()
                .build();
        awaiting.add(key(pool, RunnerPods.name(pod)));
        return register(pool, renamed);
    }

    private boolean register(Pool pool, Pod pod) {
        String runnerName = RunnerPods.runnerName(pod);
        Optional<JitRunner> registered = calls.forPool(
                pool,
                "register runner " + runnerName,
                () -> github.createJitRunner(pool.github(), runnerName, pool.labels()));
        if (registered.isEmpty()) {
            return false;
        }
        JitRunner jit = registered.get();
        Secret secret = RunnerPodFactory.desiredSecret(pool, pod, jit.encodedJitConfig());
        fleet.createSecret(secret);
        Instant at = clock.instant();
        fleet.annotate(
                pod,
                Map.of(
                        RUNNER_ID_ANNOTATION,
                        Long.toString(jit.runnerId()),
                        RunnerPodFactory.REGISTERED_AT_ANNOTATION,
                        at.toString()));
        awaiting.remove(key(pool, RunnerPods.name(pod)));
        listeners.registered(pool, pod, jit.runnerId(), at);
        log.debug("runner {} registered as GitHub runner {}", RunnerPods.name(pod), jit.runnerId());
        return true;
    }

    private static String key(Pool pool, String podName) {
        return pool.namespace() + "/" + podName;
    }
}
