package dev.runnerscale.autoscaler.repair;

import dev.runnerscale.autoscaler.github.GitHubHookDeliveries;
import dev.runnerscale.autoscaler.github.GitHubHookDeliveries.DeliveryPage;
import dev.runnerscale.autoscaler.github.GitHubHookDeliveries.HookDelivery;
import dev.runnerscale.autoscaler.github.GitHubProperties;
import dev.runnerscale.autoscaler.github.GitHubRateLimitedException;
import dev.runnerscale.autoscaler.github.GitHubRejectedException;
import dev.runnerscale.autoscaler.github.GitHubUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds {@code workflow_job} deliveries of the GitHub App that never reached us and asks GitHub to deliver them
 * again (GitHub never does so on its own). A scan reads the App's deliveries, newest first, back to the look-back
 * horizon (at most 3 days: GitHub's redelivery limit); a guid is recovered when any attempt got a 2xx. Each failed
 * guid is redelivered at most once per scan, at most {@code max-attempts-per-delivery} times overall, and not again
 * while our previous request has produced no new attempt yet; a scan requests at most {@code max-per-scan}.
 *
 * <p>The watermark is kept in memory (no table): every scan re-reads the bounded look-back window, so a restart
 * loses nothing older than the window and redelivers nothing twice that already succeeded; what a restart forgets
 * is only the per-guid attempt count. Not thread-safe: one scheduler thread.
 */
public final class WebhookRedelivery {

    private static final Logger log = LoggerFactory.getLogger(WebhookRedelivery.class);
    private static final Duration GITHUB_REDELIVERY_LIMIT = Duration.ofDays(3);
    static final int PER_PAGE = 100;

    private final GitHubHookDeliveries deliveries;
    private final GitHubProperties.Redelivery settings;
    private final Clock clock;
    private final Map<RedeliveryOutcome, Counter> outcomes = new EnumMap<>(RedeliveryOutcome.class);
    /** Our redelivery requests per guid; pruned to the look-back window every scan. */
    private final Map<String, Requested> requested = new HashMap<>();

    public WebhookRedelivery(
            GitHubHookDeliveries deliveries,
            GitHubProperties.Redelivery settings,
            Clock clock,
            MeterRegistry registry) {
        this.deliveries = deliveries;
        this.settings = settings;
        this.clock = clock;
        for (RedeliveryOutcome outcome : RedeliveryOutcome.values()) {
            outcomes.put(
                    outcome,
                    Counter.builder("runnerscale.webhook.redeliveries")
                            .description("Redeliveries of failed webhook deliveries requested from GitHub, by outcome")
                            .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                            .register(registry));
        }
    }

    /** The {@code outcome} tag of {@code runnerscale_webhook_redeliveries_total}. */
    public enum RedeliveryOutcome {
        /** GitHub accepted the redelivery request (202). */
        REQUESTED,
        /** GitHub refused it for good (e.g. 422: older than its limit). */
        REJECTED,
        /** GitHub was unavailable or rate-limited us; the scan stopped and the next one tries again. */
        FAILED
    }

    public record RedeliveryScan(int deliveriesRead, int failedGuids, int requested, Optional<String> interruptedBy) {}

    private record Requested(int count, Instant lastAt) {}

    public RedeliveryScan scanOnce() {
        Instant now = clock.instant();
        Duration lookBack = settings.lookBack().compareTo(GITHUB_REDELIVERY_LIMIT) > 0
                ? GITHUB_REDELIVERY_LIMIT
                : settings.lookBack();
        Instant horizon = now.minus(lookBack);
        requested.values().removeIf(r -> r.lastAt().isBefore(horizon));

        List<HookDelivery> window = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        int read = 0;
        for (int page = 0; page < settings.maxPages(); page++) {
            DeliveryPage result;
            try {
                result = deliveries.list(cursor, PER_PAGE);
            } catch (GitHubRateLimitedException | GitHubUnavailableException e) {
                count(RedeliveryOutcome.FAILED);
                return interrupted(read, 0, 0, e.getMessage());
            }
            read += result.deliveries().size();
            boolean pastHorizon = false;
            for (HookDelivery d : result.deliveries()) {
                if (d.deliveredAt().isBefore(horizon)) {
                    pastHorizon = true;
                } else if ("workflow_job".equals(d.event())) {
                    window.add(d);
                }
            }
            if (pastHorizon
                    || result.nextCursor().isEmpty()
                    || result.deliveries().isEmpty()) {
                break;
            }
            cursor = result.nextCursor();
        }

        Map<String, List<HookDelivery>> byGuid = new LinkedHashMap<>();
        window.forEach(
                d -> byGuid.computeIfAbsent(d.guid(), g -> new ArrayList<>()).add(d));
        List<List<HookDelivery>> failed = byGuid.values().stream()
                .filter(attempts -> attempts.stream().noneMatch(HookDelivery::succeeded))
                .sorted(Comparator.comparing(attempts -> latest(attempts).deliveredAt()))
                .toList();

        int requestedNow = 0;
        for (List<HookDelivery> attempts : failed) {
            if (requestedNow >= settings.maxPerScan()) {
                break;
            }
            HookDelivery last = latest(attempts);
            Requested before = requested.get(last.guid());
            if (before != null
                    && (before.count() >= settings.maxAttemptsPerDelivery()
                            || !last.deliveredAt().isAfter(before.lastAt()))) {
                // Given up, or our last request has not produced a (failed) attempt yet.
                continue;
            }
            try {
                deliveries.redeliver(last.id());
            } catch (GitHubRejectedException e) {
                count(RedeliveryOutcome.REJECTED);
                requested.put(last.guid(), new Requested(settings.maxAttemptsPerDelivery(), now));
                log.warn("GitHub refused to redeliver delivery {} ({}): {}", last.id(), last.guid(), e.getMessage());
                continue;
            } catch (GitHubRateLimitedException | GitHubUnavailableException e) {
                count(RedeliveryOutcome.FAILED);
                return interrupted(read, failed.size(), requestedNow, e.getMessage());
            }
            requestedNow++;
            count(RedeliveryOutcome.REQUESTED);
            requested.put(last.guid(), new Requested(before == null ? 1 : before.count() + 1, now));
            log.info(
                    "requested redelivery of {} {} delivery {} (guid {}, last status {})",
                    last.event(),
                    last.action(),
                    last.id(),
                    last.guid(),
                    last.statusCode());
        }
        return new RedeliveryScan(read, failed.size(), requestedNow, Optional.empty());
    }

    private RedeliveryScan interrupted(int read, int failedGuids, int requestedNow, String why) {
        log.warn("webhook redelivery scan stopped early, next scan retries: {}", why);
        return new RedeliveryScan(read, failedGuids, requestedNow, Optional.of(why));
    }

    private static HookDelivery latest(List<HookDelivery> attempts) {
        return attempts.stream()
                .max(Comparator.comparing(HookDelivery::deliveredAt))
                .orElseThrow();
    }

    private void count(RedeliveryOutcome outcome) {
        outcomes.get(outcome).increment();
    }
}
