package dev.runnerscale.autoscaler.runners;

import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.scaling.ScalingDirection;
import dev.runnerscale.autoscaler.scaling.ScalingReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * actions-runner-controller's gauge names (users already chart them) backed by the last pass's snapshot, plus ours.
 * Tags are bounded: the configured pool, and the direction and reason enums.
 */
public class RunnerMetrics {

    private final MeterRegistry registry;
    private final Timer reconcile;

    public RunnerMetrics(MeterRegistry registry, List<Pool> pools, PoolStatusBoard board) {
        this.registry = registry;
        this.reconcile = Timer.builder("runnerscale_reconcile")
                .description("Duration of one reconcile pass of one pool")
                .publishPercentileHistogram()
                .register(registry);
        for (Pool pool : pools) {
            gauge("gha_desired_runners", pool, board, s -> s.desired());
            gauge("gha_registered_runners", pool, board, s -> s.idle() + s.busy());
            gauge("gha_busy_runners", pool, board, s -> s.busy());
            gauge("gha_idle_runners", pool, board, s -> s.idle());
            gauge("gha_min_runners", pool, board, s -> s.min());
            gauge("gha_max_runners", pool, board, s -> s.max());
        }
    }

    private void gauge(String name, Pool pool, PoolStatusBoard board, ToDoubleFunction<PoolStatus> value) {
        // NaN until this replica reconciled the pool (a follower has no snapshot; zero would be a lie).
        Gauge.builder(
                        name,
                        board,
                        b -> b.last(pool.name()).map(value::applyAsDouble).orElse(Double.NaN))
                .tag("pool", pool.name())
                .register(registry);
    }

    Timer reconcileTimer() {
        return reconcile;
    }

    void scaleEvents(String pool, ScalingDirection direction, ScalingReason reason, int count) {
        if (count <= 0) {
            return;
        }
        Counter.builder("runnerscale_scale_events")
                .description("Runner pods created (up) or retired (down), by reason")
                .tag("pool", pool)
                .tag("direction", direction.wire())
                .tag("reason", reason.wire())
                .register(registry)
                .increment(count);
    }
}
