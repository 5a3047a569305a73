package dev.runnerscale.autoscaler.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * {@code runnerscale_webhook_deliveries_total{event,action,outcome}} and
 * {@code runnerscale_webhook_processing_seconds{event,outcome}}. Event and action come from the sender, so they are
 * folded into a fixed set first ({@code other} for anything else): a caller cannot grow the tag space.
 */
@Component
class WebhookMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    WebhookMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void delivery(String event, String action, String outcome, long startNanos) {
        String e = event(event);
        String a = action(action);
        counters.computeIfAbsent(
                        e + '|' + a + '|' + outcome,
                        k -> Counter.builder("runnerscale_webhook_deliveries")
                                .description("Webhook deliveries by event, action and outcome")
                                .tag("event", e)
                                .tag("action", a)
                                .tag("outcome", outcome)
                                .register(registry))
                .increment();
        timers.computeIfAbsent(
                        e + '|' + outcome,
                        k -> Timer.builder("runnerscale_webhook_processing")
                                .description("From receipt to answer, including the commit")
                                .tag("event", e)
                                .tag("outcome", outcome)
                                .publishPercentileHistogram()
                                .register(registry))
                .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    private static String event(String event) {
        if (event == null) {
            return "none";
        }
        return switch (event) {
            case "workflow_job", "ping" -> event;
            default -> "other";
        };
    }

    private static String action(String action) {
        if (action == null) {
            return "none";
        }
        return WorkflowJobParser.ACTIONS.contains(action) ? action : "other";
    }
}
