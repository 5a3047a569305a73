package dev.runnerscale.autoscaler.github;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The GitHub App's webhook deliveries ({@code GET /app/hook/deliveries}, {@code POST …/{id}/attempts}), with the
 * App's JWT. GitHub never redelivers on its own; failures surface as {@link GitHubUnavailableException} or
 * {@link GitHubRateLimitedException}.
 */
public interface GitHubHookDeliveries {

    /** One page, newest first; {@code cursor} empty for the first page. */
    DeliveryPage list(Optional<String> cursor, int perPage);

    /** Asks GitHub to deliver the delivery {@code id} again (accepted when this returns). */
    void redeliver(long deliveryId);

    /** One delivery attempt; {@code guid} is shared by all attempts of the same event. */
    record HookDelivery(
            long id,
            String guid,
            Instant deliveredAt,
            boolean redelivery,
            int statusCode,
            String event,
            String action) {

        public boolean succeeded() {
            return statusCode >= 200 && statusCode < 300;
        }
    }

    record DeliveryPage(List<HookDelivery> deliveries, Optional<String> nextCursor) {
        public DeliveryPage {
            deliveries = List.copyOf(deliveries);
        }
    }
}
