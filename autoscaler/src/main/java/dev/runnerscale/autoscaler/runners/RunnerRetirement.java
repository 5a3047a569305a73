package dev.runnerscale.autoscaler.runners;

import static dev.runnerscale.autoscaler.runners.RunnerPodFactory.DO_NOT_DISRUPT_ANNOTATION;
import static dev.runnerscale.autoscaler.runners.RunnerPodFactory.TOOK_JOB_ANNOTATION;

import dev.runnerscale.autoscaler.github.GitHubRunnerApi;
import dev.runnerscale.autoscaler.github.GitHubRunnerApi.RegisteredRunner;
import dev.runnerscale.autoscaler.github.GitHubRunnerApi.RunnerRemoval;
import dev.runnerscale.autoscaler.pools.PoolsProperties.GitHubScope;
import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.scaling.ObservedRunner;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes runners that are no longer needed, GitHub first: an idle runner is deleted on GitHub, which refuses a busy
 * one (it may have been assigned a job a moment ago), and only then is its pod deleted. So a scale-down never kills
 * a running job. A runner GitHub never registered (a dry run) has nothing to remove there.
 */
final class RunnerRetirement {

    private static final Logger log = LoggerFactory.getLogger(RunnerRetirement.class);

    /** What became of one runner. */
    enum Outcome {
        /** Removed from GitHub (or never there) and its pod deleted. */
        RETIRED,
        /** GitHub says it runs a job: pod kept and marked busy. */
        KEPT_BUSY,
        /** GitHub could not be asked now (held): try again next pass. */
        HELD
    }

    private final GitHubRunnerApi github;
    private final GitHubCalls calls;
    private final KubernetesRunnerFleet fleet;
    private final RunnerEvents events;
    private final RunnerListeners listeners;
    private final java.time.Clock clock;
    private final java.util.Set<String> removedThisPass = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /**
     * Pods (by uid) whose removal GitHub refused as busy: marked, but the next pass may read the informer's cache
     * before the mark reaches it, and must not ask GitHub again. Forgotten when the pod is deleted.
     */
    private final java.util.Set<String> keptBusy = java.util.concurrent.ConcurrentHashMap.newKeySet();

    RunnerRetirement(
            GitHubRunnerApi github,
            GitHubCalls calls,
            KubernetesRunnerFleet fleet,
            RunnerEvents events,
            RunnerListeners listeners,
            java.time.Clock clock) {
        this.listeners = listeners;
        this.clock = clock;
        this.github = github;
        this.calls = calls;
        this.fleet = fleet;
        this.events = events;
    }

    /**
     * Retires the pod's runner.
     *
     * @param pool the pool whose calls these are (refusals hold it), or null for a pool no longer configured
     * @param scope where the runner is registered
     * @param listed the runner as GitHub last listed it, if it did
     */
    Outcome retire(
            Pool pool,
            GitHubScope scope,
            Pod pod,
            ObservedRunner runner,
            RegisteredRunner listed,
            String why,
            String eventReason) {
        if ((listed != null && listed.busy())
                || keptBusy.contains(pod.getMetadata().getUid())) {
            markBusy(pod);
            return Outcome.KEPT_BUSY;
        }
        Optional<Long> runnerId =
                RunnerPods.runnerId(pod).or(() -> Optional.ofNullable(listed).map(RegisteredRunner::id));
        if (runnerId.isPresent() && !github.dryRun()) {
            Optional<RunnerRemoval> removal = pool == null
                    ? calls.forPools(
                            scope,
                            java.util.List.of(),
                            "remove runner",
                            () -> github.removeRunner(scope, runnerId.get()))
                    : calls.forPool(
                            pool, "remove runner " + runnerId.get(), () -> github.removeRunner(scope, runnerId.get()));
            if (removal.isEmpty()) {
                return Outcome.HELD;
            }
            if (removal.get() == RunnerRemoval.BUSY) {
                // GitHub is the authority: it assigned a job we have not heard of yet. Keep the pod.
                events.record(pod, RunnerEvents.NORMAL, "ScaleDownRefused", "GitHub reports the runner busy");
                keptBusy.add(pod.getMetadata().getUid());
                markBusy(pod);
                log.info("removal of {} refused: GitHub reports runner {} busy", RunnerPods.name(pod), runnerId.get());
                return Outcome.KEPT_BUSY;
            }
        }
        events.record(pod, RunnerEvents.NORMAL, eventReason, why);
        delete(pool, pod, runner);
        String runnerName = RunnerPods.runnerName(pod);
        if (runnerName != null) {
            removedThisPass.add(runnerName);
        }
        log.info("removed runner {} (GitHub runner {}): {}", RunnerPods.name(pod), runnerId.orElse(null), why);
        return Outcome.RETIRED;
    }

    /** Deletes the pod (and its JIT Secret) and tells the listeners: the one way a pass removes a runner pod. */
    void delete(Pool pool, Pod pod, ObservedRunner runner) {
        fleet.deleteRunner(pod);
        keptBusy.remove(pod.getMetadata().getUid());
        listeners.removed(pool, pod, runner, clock.instant());
    }

    /** A new pass: what earlier passes removed is no longer in any listing it takes. */
    void newPass() {
        removedThisPass.clear();
    }

    /**
     * Whether this pass removed the runner already: the scope's listing was taken at the start of the pass, so the
     * sweep must not take it for an orphan and ask GitHub to remove it again.
     */
    boolean removedThisPass(String runnerName) {
        return removedThisPass.contains(runnerName);
    }

    /** A runner that took a job stays busy until it exits (ephemeral), and Karpenter must not consolidate its node. */
    void markBusy(Pod pod) {
        fleet.annotate(pod, Map.of(TOOK_JOB_ANNOTATION, "true", DO_NOT_DISRUPT_ANNOTATION, "true"));
    }
}
