package dev.runnerscale.autoscaler.queuetime;

import dev.runnerscale.autoscaler.scaling.ObservedRunner;
import dev.runnerscale.autoscaler.scaling.RunnerState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The stuck-demand detector's rules. A queued job is stuck when it has been queued for at least {@code threshold}
 * while its pool, for at least {@code confirm}, should have served it:
 *
 * <ol>
 *   <li>{@code runner_offline}: a pod of the pool runs and is registered, but GitHub has listed its runner offline
 *       for {@code confirm} (counted from the later of its start and the first listing that showed it offline);
 *   <li>{@code idle_runner_unused}: a registered runner of the pool has been idle and not offline for
 *       {@code confirm} — GitHub does not hand it the job;
 *   <li>{@code no_pod_pending}: for {@code confirm}, the pool has been below its max with no pod pending and none
 *       being created — the autoscaler is making no runner for the job.
 * </ol>
 *
 * The first that holds is the pool's reason. {@code confirm} keeps the ordinary moments out: a runner that has just
 * started is offline until {@code run.sh} connects, an idle runner is handed a job within seconds, and a freed slot
 * is refilled by the next pass. Queued jobs that are probably running already — GitHub reports more of the pool's
 * runners busy than the ledger has jobs in progress, so an {@code in_progress} delivery is late or lost — are not
 * stuck: the oldest that many queued jobs are left out (the missed-event repair corrects the ledger).
 *
 * <p>Plain Java; keeps, per pool, only since when it has had no pod pending. One instance per reconciling replica.
 */
public final class StuckRules {

    private final Duration threshold;
    private final Duration confirm;
    private final Map<String, Instant> noPodSince = new HashMap<>();

    public StuckRules(Duration threshold, Duration confirm) {
        this.threshold = threshold;
        this.confirm = confirm;
    }

    /**
     * A pool as one reconcile pass saw it.
     *
     * @param registeredPods names of the pods registered with GitHub
     * @param queued the ledger's queued jobs of the pool
     * @param inProgress the ledger's in-progress jobs of the pool
     * @param active runners that count as capacity (the decision's)
     * @param creating the pass creates pods for the pool
     */
    public record PoolFacts(
            String pool,
            int max,
            List<ObservedRunner> runners,
            Set<String> registeredPods,
            long queued,
            long inProgress,
            int active,
            boolean creating,
            Instant at) {}

    /**
     * The pool's verdict.
     *
     * @param reason why its old queued jobs are stuck, when they are
     * @param presumedRunning queued jobs that are probably running (more busy runners than in-progress jobs)
     */
    public record Verdict(Optional<StuckReason> reason, long presumedRunning) {}

    /** A queued job and since when it has been queued, as far as we know. */
    public record QueuedJob(long id, Instant queuedSince) {}

    public synchronized Verdict judge(PoolFacts p) {
        long busy =
                p.runners().stream().filter(r -> r.state() == RunnerState.BUSY).count();
        long presumedRunning = Math.max(0, busy - p.inProgress());
        boolean pending = p.creating() || p.runners().stream().anyMatch(r -> r.state() == RunnerState.PENDING);
        if (p.active() < p.max() && !pending) {
            noPodSince.putIfAbsent(p.pool(), p.at());
        } else {
            noPodSince.remove(p.pool());
        }
        if (p.queued() <= presumedRunning) {
            return new Verdict(Optional.empty(), presumedRunning);
        }
        Optional<StuckReason> reason = Optional.empty();
        if (p.runners().stream().anyMatch(r -> offlineFor(r, p) && registered(r, p))) {
            reason = Optional.of(StuckReason.RUNNER_OFFLINE);
        } else if (p.runners().stream().anyMatch(r -> idleOnlineFor(r, p) && registered(r, p))) {
            reason = Optional.of(StuckReason.IDLE_RUNNER_UNUSED);
        } else if (held(noPodSince.get(p.pool()), p.at())) {
            reason = Optional.of(StuckReason.NO_POD_PENDING);
        }
        return new Verdict(reason, presumedRunning);
    }

    /**
     * The stuck jobs among a pool's queued jobs (oldest first) under its verdict: those queued for at least the
     * threshold, after the presumed-running ones.
     */
    public List<Long> stuckJobs(Verdict verdict, List<QueuedJob> oldestFirst, Instant at) {
        List<Long> out = new ArrayList<>();
        if (verdict.reason().isEmpty()) {
            return out;
        }
        long skip = verdict.presumedRunning();
        for (QueuedJob job : oldestFirst) {
            if (skip > 0) {
                skip--;
                continue;
            }
            if (job.queuedSince() != null && !job.queuedSince().plus(threshold).isAfter(at)) {
                out.add(job.id());
            }
        }
        return out;
    }

    /** Queued jobs older than this may be stuck. */
    public Instant queuedBefore(Instant at) {
        return at.minus(threshold);
    }

    /** This replica no longer reconciles. */
    public synchronized void forget() {
        noPodSince.clear();
    }

    private boolean offlineFor(ObservedRunner r, PoolFacts p) {
        if (r.state() != RunnerState.IDLE || r.offlineSince() == null) {
            return false;
        }
        Instant from = r.offlineSince().isAfter(r.since()) ? r.offlineSince() : r.since();
        return held(from, p.at());
    }

    private boolean idleOnlineFor(ObservedRunner r, PoolFacts p) {
        return r.state() == RunnerState.IDLE && r.offlineSince() == null && held(r.since(), p.at());
    }

    private static boolean registered(ObservedRunner r, PoolFacts p) {
        return p.registeredPods().contains(r.podName());
    }

    private boolean held(Instant since, Instant at) {
        return since != null && !since.plus(confirm).isAfter(at);
    }
}
