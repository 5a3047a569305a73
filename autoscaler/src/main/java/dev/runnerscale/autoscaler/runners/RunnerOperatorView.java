package dev.runnerscale.autoscaler.runners;

import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.runners.FleetObserver.Demand;
import dev.runnerscale.autoscaler.runners.FleetObserver.PoolObservation;
import dev.runnerscale.autoscaler.scaling.ObservedRunner;
import dev.runnerscale.autoscaler.scaling.RunnerState;
import dev.runnerscale.autoscaler.scaling.ScalingDecision;
import dev.runnerscale.autoscaler.scaling.ScalingPolicy;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's view of pools and runners ({@code /api/v1/pools}, {@code /api/v1/runners}): observed live on any
 * replica through the same observer and policy a pass uses, so it never disagrees with what a pass would do; the last
 * decision a pass applied comes from this replica's board (none on a follower).
 */
public final class RunnerOperatorView {

    static final String UNREGISTERED = "unregistered";

    private final List<Pool> pools;
    private final FleetObserver observer;
    private final ScalingPolicy policy;
    private final PoolStatusBoard board;
    private final PoolHolds holds;
    private final Clock clock;

    RunnerOperatorView(
            Collection<Pool> pools,
            FleetObserver observer,
            ScalingPolicy policy,
            PoolStatusBoard board,
            PoolHolds holds,
            Clock clock) {
        this.pools = List.copyOf(pools);
        this.observer = observer;
        this.policy = policy;
        this.board = board;
        this.holds = holds;
        this.clock = clock;
    }

    /** The pool now, with the last decision a pass of this replica applied (none on a follower). */
    public PoolStatus statusNow(Pool pool) {
        Instant now = clock.instant();
        PoolObservation observed = observer.observe(pool, observer.readDemand(), now);
        PoolStatus live = status(observed, policy.decide(observed.snapshot()));
        return live.withLastDecision(
                board.last(pool.name()).map(PoolStatus::lastDecision).orElse(null));
    }

    /** Every runner pod of every pool, as the operator sees it now. */
    public List<RunnerView> runnersNow() {
        Instant now = clock.instant();
        Demand demand = observer.readDemand();
        List<RunnerView> views = new ArrayList<>();
        for (Pool pool : pools) {
            PoolObservation observed = observer.observe(pool, demand, now);
            for (Pod pod : observed.pods()) {
                ObservedRunner runner = observed.runners().get(RunnerPods.name(pod));
                Optional<Long> id = RunnerPods.runnerId(pod);
                Instant created = RunnerPods.instant(pod.getMetadata().getCreationTimestamp(), now);
                views.add(new RunnerView(
                        pool.name(),
                        RunnerPods.name(pod),
                        id.orElse(null),
                        RunnerPods.runnerName(pod),
                        viewState(runner.state(), id.isPresent()),
                        Math.max(0, Duration.between(created, now).toSeconds())));
            }
        }
        return views;
    }

    PoolStatus status(PoolObservation observed, ScalingDecision d) {
        Pool pool = observed.pool();
        // Counted as the operator sees them: registered (idle, busy) only with a GitHub runner id.
        Map<String, Long> byState = new HashMap<>();
        for (Pod pod : observed.pods()) {
            ObservedRunner runner = observed.runners().get(RunnerPods.name(pod));
            if (runner != null) {
                byState.merge(viewState(runner.state(), RunnerPods.runnerId(pod).isPresent()), 1L, Long::sum);
            }
        }
        PoolStatus.Hold hold = holds.active(pool.name(), clock.instant())
                .map(h -> new PoolStatus.Hold(h.reason(), h.detail(), h.since(), h.until()))
                .orElse(null);
        return new PoolStatus(
                pool.name(),
                d.desired(),
                byState.getOrDefault(RunnerState.PENDING.wire(), 0L),
                byState.getOrDefault(RunnerState.IDLE.wire(), 0L),
                byState.getOrDefault(RunnerState.BUSY.wire(), 0L),
                byState.getOrDefault(UNREGISTERED, 0L),
                byState.getOrDefault(RunnerState.FAILED.wire(), 0L),
                observed.counts().queued(),
                observed.inProgress(),
                pool.minIdle(),
                pool.max(),
                new PoolStatus.LastDecision(
                        d.desired(), d.direction().wire(), d.reason().wire(), d.at()),
                hold);
    }

    private static String viewState(RunnerState state, boolean hasGitHubRunner) {
        // A succeeded pod is about to be deleted: to the operator it is terminating.
        if (state == RunnerState.SUCCEEDED) {
            return "terminating";
        }
        // Idle and busy are GitHub's words for a registered runner: a running pod GitHub does not know (dry run,
        // or registration not done yet) must not look like one.
        if ((state == RunnerState.IDLE || state == RunnerState.BUSY) && !hasGitHubRunner) {
            return UNREGISTERED;
        }
        return state.wire();
    }
}
