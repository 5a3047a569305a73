package dev.runnerscale.autoscaler.webhook;

import dev.runnerscale.autoscaler.web.ProblemException;
import org.springframework.http.HttpStatus;

/** A delivery refused before anything was stored; carries the metric outcome it is counted under. */
final class WebhookRejectedException extends ProblemException {

    private final String outcome;

    private WebhookRejectedException(HttpStatus status, String type, String title, String detail, String outcome) {
        super(status, type, title, detail);
        this.outcome = outcome;
    }

    String outcome() {
        return outcome;
    }

    static WebhookRejectedException invalid(String detail) {
        return new WebhookRejectedException(
                HttpStatus.BAD_REQUEST, "invalid-delivery", "Invalid webhook delivery", detail, "invalid");
    }

    static WebhookRejectedException unsigned(String detail) {
        return new WebhookRejectedException(
                HttpStatus.UNAUTHORIZED, "invalid-signature", "Invalid webhook signature", detail, "unsigned");
    }

    static WebhookRejectedException tooLarge(long limit) {
        return new WebhookRejectedException(
                HttpStatus.CONTENT_TOO_LARGE,
                "delivery-too-large",
                "Webhook delivery too large",
                "the body exceeds the limit of " + limit + " bytes",
                "too_large");
    }

    static WebhookRejectedException unsupportedMediaType(String contentType) {
        return new WebhookRejectedException(
                HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
                "webhook deliveries must be application/json (set the hook's content type to JSON), got "
                        + (contentType == null ? "none" : "'" + contentType + "'"),
                "unsupported_media_type");
    }
}
