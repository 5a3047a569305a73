package dev.runnerscale.autoscaler.github;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code runnerscale_github_requests_total{operation,outcome}} (tags from enums only) and
 * {@code runnerscale_github_rate_limit_remaining{scope}}: the last {@code X-RateLimit-Remaining} GitHub sent to a
 * credential, tagged with the account it serves (the organisation or user login of an installation, {@code token}
 * for a personal access token, {@code app} for the App's JWT). A scope's gauge is registered with the first answer
 * that carries the header, so it is absent, not a made-up value, before GitHub said anything. Accounts are those of
 * configured scopes and of their jobs; as a guard, beyond {@value #MAX_SCOPES} distinct ones the rest share
 * {@code other}.
 */
public final class GitHubMetrics {

    static final int MAX_SCOPES = 100;
    static final String OTHER = "other";

    private final MeterRegistry registry;
    private final Map<GitHubOperation, Map<GitHubOutcome, Counter>> requests = new EnumMap<>(GitHubOperation.class);
    private final Map<String, AtomicLong> remaining = new ConcurrentHashMap<>();

    public GitHubMetrics(MeterRegistry registry) {
        this.registry = registry;
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
    }

    void record(GitHubOperation operation, GitHubOutcome outcome) {
        requests.get(operation).get(outcome).increment();
    }

    void rateLimitRemaining(String scope, long value) {
        String tag = scope.toLowerCase(Locale.ROOT);
        AtomicLong gauge = remaining.get(tag);
        if (gauge == null) {
            synchronized (remaining) {
                String key = remaining.containsKey(tag) || remaining.size() < MAX_SCOPES ? tag : OTHER;
                gauge = remaining.computeIfAbsent(key, this::register);
            }
        }
        gauge.set(value);
    }

    private AtomicLong register(String scope) {
        AtomicLong value = new AtomicLong();
        Gauge.builder("runnerscale.github.rate.limit.remaining", value, AtomicLong::get)
                .description("The last X-RateLimit-Remaining GitHub sent to the credential serving this scope")
                .tag("scope", scope)
                .register(registry);
        return value;
    }

    public double count(GitHubOperation operation, GitHubOutcome outcome) {
        return requests.get(operation).get(outcome).count();
    }

    /** The gauge's value for {@code scope} (lower-case account login, {@code token}, {@code app}), if reported. */
    public Optional<Long> rateLimitRemaining(String scope) {
        return Optional.ofNullable(remaining.get(scope.toLowerCase(Locale.ROOT)))
                .map(AtomicLong::get);
    }
}
