package dev.runnerscale.autoscaler.webhook;

import io.micrometer.observation.ObservationPredicate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.observation.ServerRequestObservationContext;

/**
 * The webhook route is timed once, by {@code runnerscale_webhook_processing_seconds} (by event and outcome, which
 * says more than a status code). Spring's generic {@code http.server.requests} observation of the same requests
 * would time them a second time at up to thousands a second, and was a fifth of the request threads' CPU in the
 * intake benchmark; every other route keeps it.
 */
@Configuration(proxyBeanMethods = false)
class WebhookObservations {

    @Bean
    ObservationPredicate webhookRouteTimedByItsOwnMetric() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext request
                && WebhookController.ROUTE.equals(request.getCarrier().getRequestURI()));
    }
}
