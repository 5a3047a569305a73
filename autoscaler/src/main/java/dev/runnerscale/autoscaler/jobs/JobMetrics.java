package dev.runnerscale.autoscaler.jobs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Job metrics under the names actions-runner-controller users already chart. Tags are bounded: the pool (from
 * configuration) and the job result (GitHub's fixed set of conclusions, anything else is {@code other}). Only jobs
 * of our pools are counted, and only by the write that moved them, so a job is never counted twice.
 */
@Component
class JobMetrics {

    private static final Set<String> RESULTS = Set.of(
            "success",
            "failure",
            "cancelled",
            "skipped",
            "timed_out",
            "action_required",
            "neutral",
            "stale",
            "startup_failure",
            "expired");

    private final MeterRegistry registry;

    JobMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(AppliedChange change) {
        if (!change.counts()) {
            return;
        }
        String pool = change.pool();
        if (change.started()) {
            Counter.builder("gha_started_jobs")
                    .description("Jobs of our pools that started on a runner")
                    .tag("pool", pool)
                    .register(registry)
                    .increment();
            observe(
                    "gha_job_startup_duration",
                    "Queue wait: from queued to started",
                    pool,
                    null,
                    change.queuedAt(),
                    change.startedAt());
        }
        if (change.completed()) {
            String result = result(change.conclusion());
            Counter.builder("gha_completed_jobs")
                    .description("Jobs of our pools that completed")
                    .tag("pool", pool)
                    .tag("job_result", result)
                    .register(registry)
                    .increment();
            observe(
                    "gha_job_execution_duration",
                    "From started to completed",
                    pool,
                    result,
                    change.startedAt(),
                    change.completedAt());
        }
    }

    private void observe(String name, String description, String pool, String result, Instant from, Instant to) {
        if (from == null || to == null || to.isBefore(from)) {
            return; // unknown, or clocks disagree: better no sample than a wrong one
        }
        Timer.Builder timer =
                Timer.builder(name).description(description).tag("pool", pool).publishPercentileHistogram();
        if (result != null) {
            timer.tag("job_result", result);
        }
        timer.register(registry).record(Duration.between(from, to));
    }

    static String result(String conclusion) {
        if (conclusion == null) {
            return "other";
        }
        String c = conclusion.toLowerCase(Locale.ROOT);
        return RESULTS.contains(c) ? c : "other";
    }
}
