package dev.runnerscale.autoscaler.webhook;

import dev.runnerscale.autoscaler.jobs.LedgerOverloadedException;
import dev.runnerscale.autoscaler.jobs.LedgerUnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /webhooks/github}, the only route meant to be exposed to the internet. Cheap checks come first and
 * nothing is parsed before the signature is verified: media type (415), size (413, enforced while reading the raw
 * bytes, which no message converter touches), signature (401), headers and body (400). Answers: 202 for a
 * {@code workflow_job} of ours once committed (also for a duplicate, a refused or an unmatched job, which GitHub
 * must not see as failures), 200 for {@code ping}, 204 for anything we ignore.
 */
@RestController
class WebhookController {

    private static final Logger log = LoggerFactory.getLogger(WebhookController.class);

    /** The answer body: which delivery, and what became of it. */
    record Acknowledgement(String delivery, String outcome) {}

    private final WebhookIntake intake;
    private final WebhookMetrics metrics;
    private final SignatureVerifier verifier;
    private final long maxBodySize;

    WebhookController(WebhookIntake intake, WebhookMetrics metrics, WebhookProperties properties) {
        this.intake = intake;
        this.metrics = metrics;
        this.verifier = new SignatureVerifier(properties.secrets());
        this.maxBodySize = properties.maxBodySize().toBytes();
    }

    /** The route GitHub posts to (also what {@link WebhookObservations} leaves to our own metric). */
    static final String ROUTE = "/webhooks/github";

    @PostMapping(ROUTE)
    ResponseEntity<Acknowledgement> receive(HttpServletRequest request) throws IOException {
        long start = System.nanoTime();
        String event = request.getHeader("X-GitHub-Event");
        String deliveryId = request.getHeader("X-GitHub-Delivery");
        boolean deliveryIdValid = isDeliveryId(deliveryId);
        if (deliveryIdValid) {
            MDC.put("delivery_id", deliveryId);
        }
        String action = null;
        try {
            requireJson(request.getContentType());
            byte[] body = readBody(request);
            if (!verifier.isValid(request.getHeader("X-Hub-Signature-256"), body, body.length)) {
                throw WebhookRejectedException.unsigned(
                        "X-Hub-Signature-256 is missing or does not match the body under any configured secret");
            }
            if (!isEventName(event)) {
                throw WebhookRejectedException.invalid("missing or malformed X-GitHub-Event header");
            }
            if (!deliveryIdValid) {
                throw WebhookRejectedException.invalid("missing or malformed X-GitHub-Delivery header");
            }
            ResponseEntity<Acknowledgement> answer;
            String outcome;
            switch (event) {
                case "ping" -> {
                    outcome = "ping";
                    answer = ResponseEntity.ok(new Acknowledgement(deliveryId, outcome));
                }
                case "workflow_job" -> {
                    WebhookIntake.Result result = intake.workflowJob(deliveryId, body, body.length);
                    action = result.action();
                    outcome = result.outcome();
                    answer = outcome.equals("ignored")
                            ? ResponseEntity.noContent().build()
                            : ResponseEntity.status(HttpStatus.ACCEPTED).body(new Acknowledgement(deliveryId, outcome));
                }
                default -> {
                    outcome = "ignored";
                    answer = ResponseEntity.noContent().build();
                }
            }
            metrics.delivery(event, action, outcome, start);
            return answer;
        } catch (WebhookRejectedException e) {
            log.info("rejected webhook delivery ({}): {}", e.outcome(), e.getMessage());
            metrics.delivery(event, action, e.outcome(), start);
            throw e;
        } catch (LedgerOverloadedException e) {
            metrics.delivery(event, action, "overloaded", start);
            throw e;
        } catch (LedgerUnavailableException e) {
            metrics.delivery(event, action, "unavailable", start);
            throw e;
        } finally {
            MDC.remove("delivery_id");
        }
    }

    /** GitHub's delivery ids are GUIDs; anything short and plain is accepted (it goes into logs and the database). */
    static boolean isDeliveryId(String id) {
        if (id == null || id.isEmpty() || id.length() > 100) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean plain = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == ':';
            if (!plain) {
                return false;
            }
        }
        return true;
    }

    static boolean isEventName(String event) {
        if (event == null || event.isEmpty() || event.length() > 64) {
            return false;
        }
        for (int i = 0; i < event.length(); i++) {
            char c = event.charAt(i);
            if (!((c >= 'a' && c <= 'z') || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static void requireJson(String contentType) {
        if (contentType == null) {
            throw WebhookRejectedException.unsupportedMediaType(null);
        }
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            boolean json = "application".equals(type.getType())
                    && ("json".equals(type.getSubtype()) || type.getSubtype().endsWith("+json"));
            if (!json) {
                throw WebhookRejectedException.unsupportedMediaType(contentType);
            }
        } catch (InvalidMediaTypeException e) {
            throw WebhookRejectedException.unsupportedMediaType(contentType);
        }
    }

    /** The raw body, read with the limit enforced while reading: a liar's Content-Length cannot get past it. */
    private byte[] readBody(HttpServletRequest request) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBodySize) {
            throw WebhookRejectedException.tooLarge(maxBodySize);
        }
        byte[] buffer = new byte[declared >= 0 ? (int) declared : 16 * 1024];
        int length = 0;
        try (InputStream in = request.getInputStream()) {
            while (true) {
                if (length == buffer.length) {
                    // full: probe for one more byte before growing, so an exact Content-Length costs no copy
                    int next = in.read();
                    if (next == -1) {
                        break;
                    }
                    if (length >= maxBodySize) {
                        throw WebhookRejectedException.tooLarge(maxBodySize);
                    }
                    buffer = Arrays.copyOf(buffer, (int) Math.min(maxBodySize, Math.max(1024, length * 2L)));
                    buffer[length++] = (byte) next;
                    continue;
                }
                int read = in.read(buffer, length, buffer.length - length);
                if (read == -1) {
                    break;
                }
                length += read;
            }
        }
        return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
    }
}
