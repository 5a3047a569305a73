package dev.runnerscale.autoscaler.github;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code runnerscale_github_requests_total{operation,outcome}} and {@code runnerscale_github_rate_limit_remaining}
 * (the last {@code X-RateLimit-Remaining} GitHub sent; -1 until one was seen). Tags come from enums only.
 */
public final class GitHubMetrics {

    private final Map<GitHubOperation, Map<GitHubOutcome, Counter>> requests = new EnumMap<>(GitHubOperation.class);
    private final AtomicLong rateLimitRemaining = new AtomicLong(-1);

    public GitHubMetrics(MeterRegistry registry) {
        for (GitHubOperation operation : GitHubOperation.values()) {
            Map<GitHubOutcome, Counter> byOutcome = new EnumMap<>(GitHubOutcome.class);
            for (GitHubOutcome outcome : GitHubOutcome.values()) {
                byOutcome.put(
                        outcome,
                        Counter.builder("runnerscale.github.requests")
                                .description("GitHub API calls by operation and outcome")
                                .tag("operation", operation.tag())
                                .tag("outcome", outcome.tag())
                                .register(registry));
            }
            requests.put(operation, byOutcome);
        }
        Gauge.builder("runnerscale.github.rate.limit.remaining", rateLimitRemaining, AtomicLong::get)
                .description("The last X-RateLimit-Remaining GitHub sent (-1: none seen yet)")
                .register(registry);
    }

    void record(GitHubOperation operation, GitHubOutcome outcome) {
        requests.get(operation).get(outcome).increment();
    }

    void rateLimitRemaining(long remaining) {
        rateLimitRemaining.set(remaining);
    }

    public double count(GitHubOperation operation, GitHubOutcome outcome) {
        return requests.get(operation).get(outcome).count();
    }

    public long rateLimitRemaining() {
        return rateLimitRemaining.get();
    }
}
