package dev.runnerscale.autoscaler.cost.accounting;

import dev.runnerscale.autoscaler.nodes.PodRequests;
import dev.runnerscale.autoscaler.nodes.PodScheduling;
import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.runners.RunnerLifecycleListener;
import dev.runnerscale.autoscaler.runners.RunnerPodFactory;
import dev.runnerscale.autoscaler.scaling.ObservedRunner;
import dev.runnerscale.autoscaler.scaling.RunnerState;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Prices every runner pod once it has ended, as the reconcile pass sees it: when the pass removes a pod (its runner
 * ended, was retired or replaced) and — for pods that ended while no replica led, or a replica that stopped between
 * deleting a pod and pricing it — for every ended pod a pass observes (terminal, or being deleted with its runner
 * container terminated). The accountant stores a runner once whoever calls, so seeing one twice costs a read, not a
 * second row; pods already priced by this replica are skipped without one.
 */
public class RunnerCostListener implements RunnerLifecycleListener {

    private static final int REMEMBERED = 10_000;

    private final CostAccountant accountant;
    private final Set<String> priced = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    });

    public RunnerCostListener(CostAccountant accountant) {
        this.accountant = accountant;
    }

    @Override
    public void passed(PoolPass pass) {
        List<Pod> ended = new ArrayList<>();
        List<RunnerEnded> runners = new ArrayList<>();
        for (Pod pod : pass.pods()) {
            ObservedRunner runner = pass.runners().get(pod.getMetadata().getName());
            if (runner != null
                    && hasEnded(pod, runner)
                    && !priced.contains(pod.getMetadata().getUid())) {
                ended(pass.pool().name(), pod, pass.at()).ifPresent(e -> {
                    ended.add(pod);
                    runners.add(e);
                });
            }
        }
        price(ended, runners);
    }

    @Override
    public void removed(Pool pool, Pod pod, ObservedRunner runner, Instant at) {
        if (priced.contains(pod.getMetadata().getUid())) {
            return;
        }
        String poolName = pool != null
                ? pool.name()
                : pod.getMetadata().getLabels() == null
                        ? null
                        : pod.getMetadata().getLabels().get(RunnerPodFactory.POOL_LABEL);
        if (poolName == null) {
            return;
        }
        ended(poolName, pod, at).ifPresent(e -> price(List.of(pod), List.of(e)));
    }

    private void price(List<Pod> pods, List<RunnerEnded> runners) {
        if (runners.isEmpty()) {
            return;
        }
        // stored now or before (by this or another replica): either way it is priced
        accountant.runnersEnded(runners);
        pods.forEach(p -> priced.add(p.getMetadata().getUid()));
    }

    /** Terminal, or being deleted with its runner container ended (the pod object goes a moment later). */
    static boolean hasEnded(Pod pod, ObservedRunner runner) {
        return runner.terminal()
                || runner.state() == RunnerState.TERMINATING
                        && PodScheduling.containerFinishedAt(pod, RunnerPodFactory.RUNNER_CONTAINER)
                                .isPresent();
    }

    /**
     * The facts of an ended runner pod, or empty when it never held a node (nothing to pay) or carries no runner name.
     * It held its node from its scheduling (else its start, else its creation) to its runner container's end (else the
     * deletion request, else {@code at}).
     */
    static Optional<RunnerEnded> ended(String pool, Pod pod, Instant at) {
        Optional<String> node = PodScheduling.nodeName(pod);
        String runnerName = pod.getMetadata().getAnnotations() == null
                ? null
                : pod.getMetadata().getAnnotations().get(RunnerPodFactory.RUNNER_NAME_ANNOTATION);
        if (node.isEmpty() || runnerName == null) {
            return Optional.empty();
        }
        Optional<Instant> started = PodScheduling.scheduledAt(pod).or(() -> PodScheduling.createdAt(pod));
        if (started.isEmpty()) {
            return Optional.empty();
        }
        Instant end = PodScheduling.containerFinishedAt(pod, RunnerPodFactory.RUNNER_CONTAINER)
                .or(() -> PodScheduling.deletedAt(pod))
                .orElse(at);
        return Optional.of(new RunnerEnded(
                pool,
                pod.getMetadata().getName(),
                runnerName,
                null,
                node.get(),
                PodRequests.of(pod),
                started.get(),
                end,
                null,
                null));
    }
}
