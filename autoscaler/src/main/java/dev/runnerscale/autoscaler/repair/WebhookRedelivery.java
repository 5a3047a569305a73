package dev.runnerscale.autoscaler.repair;

import dev.runnerscale.autoscaler.github.GitHubHookDeliveries;
import dev.runnerscale.autoscaler.github.GitHubHookDeliveries.DeliveryPage;
import dev.runnerscale.autoscaler.github.GitHubHookDeliveries.Hook;
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
 * Finds {@code workflow_job} deliveries that never reached us and asks GitHub to deliver them again (GitHub never
 * does so on its own), for each hook in turn: the GitHub App's hook, and organisation or repository hooks configured
 * by id (with a personal access token the only way to recover a lost delivery). The rules are the same for every
 * hook. A scan reads the hook's deliveries, newest first, back to the look-back horizon (at most 3 days: GitHub's
 * redelivery limit); a guid is recovered when any attempt got a 2xx. Each failed guid is redelivered at most once
 * per scan, at most {@code max-attempts-per-delivery} times overall, and not again while our previous request has
 * produced no new attempt yet; a scan requests at most {@code max-per-scan} per hook.
 *
 * <p>A refusal (4xx) gives up that guid, or that hook for this scan when its listing is refused (an unknown hook id,
 * a missing permission); a rate limit ends the scan of that hook (the next hook may use another credential); an
 * outage ends the whole scan. The next scan is the retry.
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
    private final List<Hook> hooks;
    private final GitHubProperties.Redelivery settings;
    private final Clock clock;
    private final Map<RedeliveryOutcome, Counter> outcomes = new EnumMap<>(RedeliveryOutcome.class);
    /** Our redelivery requests per hook and guid; pruned to the look-back window every scan. */
    private final Map<Hook, Map<String, Requested>> requested = new HashMap<>();

    public WebhookRedelivery(
            GitHubHookDeliveries deliveries,
            List<Hook> hooks,
            GitHubProperties.Redelivery settings,
            Clock clock,
            MeterRegistry registry) {
        this.deliveries = deliveries;
        this.hooks = List.copyOf(hooks);
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
        /** GitHub refused a redelivery (e.g. 422: older than its limit) or a hook's listing (unknown hook, 403). */
        REJECTED,
        /** GitHub was unavailable or rate-limited us; that hook's scan (or, GitHub down, the scan) stopped. */
        FAILED
    }

    /**
     * What a scan did, summed over its hooks.
     *
     * @param interruptedBy empty when every hook was scanned to its end, else why some were not
     */
    public record RedeliveryScan(int deliveriesRead, int failedGuids, int requested, Optional<String> interruptedBy) {}

    private record Requested(int count, Instant lastAt) {}

    /** Why one hook's scan ended early; {@code stopAll} when GitHub is down and the other hooks should wait too. */
    private record Interruption(String why, boolean stopAll) {}

    private static final class Tally {
        int read;
        int failedGuids;
        int requested;
        final List<String> interruptions = new ArrayList<>();
    }

    public RedeliveryScan scanOnce() {
        Instant now = clock.instant();
        Duration lookBack = settings.lookBack().compareTo(GITHUB_REDELIVERY_LIMIT) > 0
                ? GITHUB_REDELIVERY_LIMIT
                : settings.lookBack();
        Instant horizon = now.minus(lookBack);
        requested
                .values()
                .forEach(byGuid -> byGuid.values().removeIf(r -> r.lastAt().isBefore(horizon)));
        Tally tally = new Tally();
        for (Hook hook : hooks) {
            Optional<Interruption> stopped =
                    scanHook(hook, now, horizon, tally, requested.computeIfAbsent(hook, h -> new HashMap<>()));
            if (stopped.isPresent()) {
                tally.interruptions.add(hook + ": " + stopped.get().why());
                if (stopped.get().stopAll()) {
                    break;
                }
            }
        }
        if (tally.interruptions.isEmpty()) {
            return new RedeliveryScan(tally.read, tally.failedGuids, tally.requested, Optional.empty());
        }
        String why = String.join("; ", tally.interruptions);
        log.warn("webhook redelivery scan stopped early, next scan retries: {}", why);
        return new RedeliveryScan(tally.read, tally.failedGuids, tally.requested, Optional.of(why));
    }

    private Optional<Interruption> scanHook(
            Hook hook, Instant now, Instant horizon, Tally tally, Map<String, Requested> requestedOfHook) {
        List<HookDelivery> window = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        for (int page = 0; page < settings.maxPages(); page++) {
            DeliveryPage result;
            try {
                result = deliveries.list(hook, cursor, PER_PAGE);
            } catch (GitHubRejectedException e) {
                count(RedeliveryOutcome.REJECTED);
                log.warn("GitHub refused to list the deliveries of {}: {}", hook, e.getMessage());
                return Optional.of(new Interruption(e.getMessage(), false));
            } catch (GitHubRateLimitedException e) {
                count(RedeliveryOutcome.FAILED);
                return Optional.of(new Interruption(e.getMessage(), false));
            } catch (GitHubUnavailableException e) {
                count(RedeliveryOutcome.FAILED);
                return Optional.of(new Interruption(e.getMessage(), true));
            }
            tally.read += result.deliveries().size();
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
        tally.failedGuids += failed.size();

        int requestedNow = 0;
        for (List<HookDelivery> attempts : failed) {
            if (requestedNow >= settings.maxPerScan()) {
                break;
            }
            HookDelivery last = latest(attempts);
            Requested before = requestedOfHook.get(last.guid());
            if (before != null
                    && (before.count() >= settings.maxAttemptsPerDelivery()
                            || !last.deliveredAt().isAfter(before.lastAt()))) {
                // Given up, or our last request has not produced a (failed) attempt yet.
                continue;
            }
            try {
                deliveries.redeliver(hook, last.id());
            } catch (GitHubRejectedException e) {
                count(RedeliveryOutcome.REJECTED);
                requestedOfHook.put(last.guid(), new Requested(settings.maxAttemptsPerDelivery(), now));
                log.warn(
                        "GitHub refused to redeliver delivery {} ({}) of {}: {}",
                        last.id(),
                        last.guid(),
                        hook,
                        e.getMessage());
                continue;
            } catch (GitHubRateLimitedException e) {
                count(RedeliveryOutcome.FAILED);
                return Optional.of(new Interruption(e.getMessage(), false));
            } catch (GitHubUnavailableException e) {
                count(RedeliveryOutcome.FAILED);
                return Optional.of(new Interruption(e.getMessage(), true));
            }
            requestedNow++;
            tally.requested++;
            count(RedeliveryOutcome.REQUESTED);
            requestedOfHook.put(last.guid(), new Requested(before == null ? 1 : before.count() + 1, now));
            log.info(
                    "requested redelivery of {} {} delivery {} of {} (guid {}, last status {})",
                    last.event(),
                    last.action(),
                    last.id(),
                    hook,
                    last.guid(),
                    last.statusCode());
        }
        return Optional.empty();
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
