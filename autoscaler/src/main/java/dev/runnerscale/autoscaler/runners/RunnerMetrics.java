package dev.runnerscale.autoscaler.runners;

import dev.runnerscale.autoscaler.github.GitHubRejectedException;
import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.scaling.ScalingDirection;
import dev.runnerscale.autoscaler.scaling.ScalingReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * actions-runner-controller's gauge names, backed by the last pass's snapshot, plus ours. The {@code gha_*} runner
 * gauges carry ARC's {@code name} (the pool, as ARC names the scale set) and {@code namespace} labels beside our
 * {@code pool}, so ARC's sample dashboards work unchanged. Only the leader reconciles, so only the leader reports them:
 * on a follower they are absent (never NaN), and a {@code sum()} over replicas is the leader's value. Tags are bounded:
 * the configured pools, and the direction, reason and error enums.
 */
public class RunnerMetrics {

    private final MeterRegistry registry;
    private final Map<String, Timer> reconcile = new ConcurrentHashMap<>();
    private final Map<String, Pool> pools = new ConcurrentHashMap<>();
    private final PoolStatusBoard board;
    private final List<MultiGauge> gauges = new ArrayList<>();
    private final List<ToDoubleFunction<PoolStatus>> values = new ArrayList<>();

    public RunnerMetrics(MeterRegistry registry, List<Pool> pools, PoolStatusBoard board) {
        this.registry = registry;
        this.board = board;
        pools.forEach(p -> this.pools.put(p.name(), p));
        gauge("gha_desired_runners", "Runners the pool should have", s -> s.desired());
        gauge("gha_registered_runners", "Runners registered with GitHub (idle or busy)", s -> s.idle() + s.busy());
        gauge("gha_busy_runners", "Registered runners running a job", s -> s.busy());
        gauge("gha_idle_runners", "Registered runners waiting for a job", s -> s.idle());
        gauge("gha_min_runners", "Warm runners the pool keeps (min-idle)", s -> s.min());
        gauge("gha_max_runners", "The pool's hard cap of runners", s -> s.max());
        board.onChange(this::refresh);
        // every pool's error and failure series at zero from the start, so that an alert on their increase and a
        // dashboard see the first one (a counter born at 1 has no increase to show)
        pools.forEach(p -> {
            POOL_ERROR_REASONS.forEach(reason -> poolErrors(p.name(), reason));
            REGISTRATION_FAILURE_REASONS.forEach(reason -> registrationFailures(p.name(), reason));
        });
    }

    /** The reasons a pool is held: GitHub's refusals (a conflict never holds a pool) and the API server's. */
    static final List<String> POOL_ERROR_REASONS = java.util.stream.Stream.concat(
                    java.util.Arrays.stream(GitHubRejectedException.Reason.values())
                            .filter(r -> r != GitHubRejectedException.Reason.CONFLICT)
                            .map(r -> "github_" + r.slug()),
                    java.util.stream.Stream.of("kubernetes_forbidden", "kubernetes_not_found", "kubernetes_invalid"))
            .toList();

    static final List<String> REGISTRATION_FAILURE_REASONS = List.of("exited", "oom_killed", "evicted", "offline");

    private void gauge(String name, String description, ToDoubleFunction<PoolStatus> value) {
        gauges.add(MultiGauge.builder(name).description(description).register(registry));
        values.add(value);
    }

    /** Re-publishes the gauges from the board: one row per pool this replica reconciled, none on a follower. */
    private void refresh() {
        for (int i = 0; i < gauges.size(); i++) {
            ToDoubleFunction<PoolStatus> value = values.get(i);
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            for (Pool pool : pools.values()) {
                board.last(pool.name())
                        .ifPresent(status -> rows.add(MultiGauge.Row.of(
                                Tags.of("pool", pool.name(), "name", pool.name(), "namespace", pool.namespace()),
                                board,
                                b -> b.last(pool.name())
                                        .map(value::applyAsDouble)
                                        .orElse(Double.NaN))));
            }
            gauges.get(i).register(rows, true);
        }
    }

    Timer reconcileTimer(String pool) {
        return reconcile.computeIfAbsent(
                pool,
                p -> Timer.builder("runnerscale_reconcile")
                        .description("Duration of one reconcile pass of one pool")
                        .tag("pool", p)
                        .publishPercentileHistogram()
                        .register(registry));
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

    /** A pool's own call was refused ({@code reason}: a bounded slug such as {@code github_forbidden}). */
    void poolError(String pool, String reason) {
        poolErrors(pool, reason).increment();
    }

    private Counter poolErrors(String pool, String reason) {
        return Counter.builder("runnerscale_pool_errors")
                .description("Calls of a pool refused for a reason waiting will not fix soon; the pool is held")
                .tag("pool", pool)
                .tag("reason", reason)
                .register(registry);
    }

    /**
     * A runner that never worked: it exited without taking a job ({@code reason}: {@code exited}, {@code oom_killed},
     * {@code evicted}) or stayed offline on GitHub ({@code offline}).
     */
    void registrationFailure(String pool, String reason) {
        registrationFailures(pool, reason).increment();
    }

    private Counter registrationFailures(String pool, String reason) {
        return Counter.builder("runnerscale_registration_failures")
                .description("Runners that exited without taking a job or never came online on GitHub")
                .tag("pool", pool)
                .tag("reason", reason)
                .register(registry);
    }
}
