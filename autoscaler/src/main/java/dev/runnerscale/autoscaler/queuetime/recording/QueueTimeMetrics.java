package dev.runnerscale.autoscaler.queuetime.recording;

import dev.runnerscale.autoscaler.queuetime.JobTimeline;
import dev.runnerscale.autoscaler.queuetime.QueueWait;
import dev.runnerscale.autoscaler.queuetime.Stage;
import dev.runnerscale.autoscaler.queuetime.StuckReason;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code runnerscale_job_wait_stage_seconds{pool,stage}}, {@code runnerscale_job_queue_wait_seconds{pool,part}} and
 * {@code runnerscale_stuck_jobs{pool,reason}}. Tags are bounded: configured pools, the seven wait stages, two parts,
 * three reasons. The histograms have fixed buckets from 0.1 s to 2 h (a queue wait is seconds to an hour; GitHub
 * cancels a job after 24 h), so every pool costs the same small number of series. Every series exists from start-up,
 * at zero, for the configured pools.
 */
public class QueueTimeMetrics {

    static final String STAGE = "runnerscale.job.wait.stage";
    static final String QUEUE_WAIT = "runnerscale.job.queue.wait";
    static final String STUCK = "runnerscale.stuck.jobs";

    private static final Duration[] BUCKETS = {
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(15),
        Duration.ofSeconds(30),
        Duration.ofMinutes(1),
        Duration.ofMinutes(2),
        Duration.ofMinutes(5),
        Duration.ofMinutes(10),
        Duration.ofMinutes(20),
        Duration.ofMinutes(30),
        Duration.ofHours(1),
        Duration.ofHours(2)
    };

    private final MeterRegistry registry;
    private final Map<String, Map<StuckReason, AtomicInteger>> stuck = new ConcurrentHashMap<>();

    public QueueTimeMetrics(MeterRegistry registry, Collection<String> pools) {
        this.registry = registry;
        for (String pool : pools) {
            Stage.WAIT_STAGES.forEach(stage -> stageTimer(pool, stage));
            queueWaitTimer(pool, "capacity");
            queueWaitTimer(pool, "runner_start");
            stuckGauges(pool);
        }
    }

    /** One job's stage samples (measured and clamped stages) and its queue wait split in two parts. */
    public void record(String pool, JobTimeline timeline) {
        timeline.waitSamples().forEach((stage, d) -> stageTimer(pool, stage).record(d));
        QueueWait wait = timeline.queueWait();
        if (wait != null && wait.capacity() != null) {
            queueWaitTimer(pool, "capacity").record(wait.capacity());
            queueWaitTimer(pool, "runner_start").record(wait.runnerStart());
        }
    }

    /** The pool's stuck jobs now, by reason (reasons not given are zero). */
    public void stuck(String pool, Map<StuckReason, Integer> counts) {
        stuckGauges(pool).forEach((reason, value) -> value.set(counts.getOrDefault(reason, 0)));
    }

    /** This replica no longer reconciles: it knows of no stuck job. */
    public void clearStuck() {
        stuck.values().forEach(m -> m.values().forEach(v -> v.set(0)));
    }

    private Timer stageTimer(String pool, Stage stage) {
        return Timer.builder(STAGE)
                .description("Time each stage of a job's wait took, from the end of the stages before it (jobs that"
                        + " ran on the pool's runners, recorded once per job)")
                .tag("pool", pool)
                .tag("stage", stage.wire())
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    private Timer queueWaitTimer(String pool, String part) {
        return Timer.builder(QUEUE_WAIT)
                .description("A job's queue wait split into the time its pool was at max (capacity) and the rest"
                        + " (runner_start); the parts of one job add up to its wait")
                .tag("pool", pool)
                .tag("part", part)
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    private Map<StuckReason, AtomicInteger> stuckGauges(String pool) {
        return stuck.computeIfAbsent(pool, p -> {
            Map<StuckReason, AtomicInteger> values = new EnumMap<>(StuckReason.class);
            for (StuckReason reason : StuckReason.values()) {
                AtomicInteger value = new AtomicInteger();
                values.put(reason, value);
                Gauge.builder(STUCK, value, AtomicInteger::get)
                        .description("Jobs queued past the stuck threshold although the pool should serve them"
                                + " (reconciling replica; zero elsewhere)")
                        .tag("pool", p)
                        .tag("reason", reason.wire())
                        .register(registry);
            }
            return values;
        });
    }
}
