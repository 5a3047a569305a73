package dev.runnerscale.autoscaler.webhook;

import dev.runnerscale.autoscaler.jobs.DeliveryOutcome;
import dev.runnerscale.autoscaler.jobs.JobDelivery;
import dev.runnerscale.autoscaler.jobs.LedgerUnavailableException;
import dev.runnerscale.autoscaler.jobs.LedgerWriter;
import dev.runnerscale.autoscaler.pools.PoolMatcher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a verified {@code workflow_job} body into a ledger write and waits for its commit: nothing is acknowledged
 * before PostgreSQL has it. The caller has already checked size, media type and signature.
 */
@Component
class WebhookIntake {

    private static final Logger log = LoggerFactory.getLogger(WebhookIntake.class);

    /** What happened to a delivery, for the answer and the metric. */
    record Result(String action, String outcome) {}

    private final WorkflowJobParser parser;
    private final DeliveryPolicy policy;
    private final PoolMatcher matcher;
    private final LedgerWriter writer;
    private final Duration acknowledgeTimeout;
    private final Clock clock;

    WebhookIntake(WebhookProperties properties, JsonMapper json, PoolMatcher matcher, LedgerWriter writer) {
        this.parser = new WorkflowJobParser(json);
        this.policy = new DeliveryPolicy(
                properties.allowedOwners(), properties.allowedRepositories(), properties.allowPublicRepositories());
        this.matcher = matcher;
        this.writer = writer;
        this.acknowledgeTimeout = properties.acknowledgeTimeout();
        this.clock = Clock.systemUTC();
    }

    Result workflowJob(String deliveryId, byte[] body, int length) {
        // microseconds: what PostgreSQL stores, so a row read back equals the row merged in memory
        Instant receivedAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
        WorkflowJobParser.Result parsed = parser.parse(body, length, deliveryId, receivedAt);
        if (parsed instanceof WorkflowJobParser.Ignored ignored) {
            log.debug("ignoring workflow_job action {}", ignored.action());
            return new Result(ignored.action(), "ignored");
        }
        WorkflowJobEvent event = ((WorkflowJobParser.Parsed) parsed).event();
        DeliveryPolicy.Refusal refusal = policy.check(event.owner(), event.fullName(), event.publicRepository());
        String pool = matcher.match(
                        event.observation().owner(),
                        event.observation().repository(),
                        event.observation().labels())
                .orElse(null);
        JobDelivery delivery = new JobDelivery(deliveryId, event.action(), event.observation(), pool, refusal != null);
        if (refusal != null) {
            log.info(
                    "refused job {} of {}: {}",
                    event.observation().jobId(),
                    event.fullName(),
                    refusal.name().toLowerCase(Locale.ROOT));
        }
        DeliveryOutcome outcome = await(writer.submit(delivery));
        log.debug("job {} {} -> {} ({})", event.observation().jobId(), event.action(), outcome, delivery.outcome());
        return new Result(event.action(), outcome == DeliveryOutcome.DUPLICATE ? "duplicate" : delivery.outcome());
    }

    private DeliveryOutcome await(CompletableFuture<DeliveryOutcome> committed) {
        try {
            return committed.get(acknowledgeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerUnavailableException("interrupted while waiting for the commit", e);
        } catch (TimeoutException e) {
            // the batch may still commit; a redelivery of the same id is then a harmless duplicate
            throw new LedgerUnavailableException("the ledger did not commit within " + acknowledgeTimeout, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LedgerUnavailableException unavailable) {
                throw unavailable;
            }
            throw new LedgerUnavailableException("the ledger could not commit", e.getCause());
        }
    }
}
