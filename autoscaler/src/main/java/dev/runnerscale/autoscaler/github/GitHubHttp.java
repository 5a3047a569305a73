package dev.runnerscale.autoscaler.github;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRateLimiterMetrics;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * The one place that sends a request to GitHub and classifies the answer. Every call passes, in this order, the
 * {@link GitHubGate} of its credential (a wait GitHub asked for), the circuit breaker, and our rate limiter; then the
 * answer is classified: 2xx (and statuses the caller declared, e.g. 404) are returned; a rate limit closes the
 * credential's gate and raises {@link GitHubRateLimitedException}; 5xx, I/O errors, timeouts and unreadable answers
 * count as circuit-breaker failures and raise {@link GitHubUnavailableException}; other non-2xx answers (401, a 403
 * that is no rate limit, an undeclared 404, 409, 422, …) raise {@link GitHubRejectedException} and count as
 * successes for the breaker (GitHub is up). Every answer's {@code X-RateLimit-*} headers update its credential's
 * {@link RateBudget}. Nothing is retried here: the caller's next pass is the only retry layer.
 *
 * <p>The gate and the budgets are per credential, because GitHub counts its limits per credential; the circuit
 * breaker and our pace limiter are one each, because GitHub's health and our own pace are one.
 */
public final class GitHubHttp {

    private static final Logger log = LoggerFactory.getLogger(GitHubHttp.class);
    private static final String API_VERSION = "2022-11-28";

    private final RestClient rest;
    private final JsonMapper json;
    private final GitHubGate gate;
    private final CircuitBreakerRegistry circuitBreakers;
    private final CircuitBreaker circuitBreaker;
    private final RateLimiterRegistry rateLimiters;
    private final RateLimiter rateLimiter;
    private final GitHubMetrics metrics;
    private final Clock clock;
    private final Duration rateLimitBackoff;
    private final Duration waitInOpenState;
    private final Map<String, RateBudget> budgets = new ConcurrentHashMap<>();
    /** When the circuit last opened, on our clock (resilience4j keeps its own, not injectable, time). */
    private volatile Instant circuitOpenedAt = Instant.MIN;

    public GitHubHttp(
            GitHubProperties properties, JsonMapper json, GitHubGate gate, GitHubMetrics metrics, Clock clock) {
        this.json = json;
        this.gate = gate;
        this.metrics = metrics;
        this.clock = clock;
        this.rateLimitBackoff = properties.rateLimitBackoff();
        // HTTP/1.1: GitHub serves it everywhere, and it avoids h2c upgrade surprises with plain-HTTP test servers.
        HttpClient httpClient = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(properties.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(httpClient);
        factory.setReadTimeout(properties.readTimeout());
        this.rest = RestClient.builder()
                .baseUrl(properties.apiUrl().toString())
                .requestFactory(factory)
                // GitHub recommends its vendor type; plain JSON is listed too because that is what the OpenAPI
                // description declares (and GitHub serves either).
                .defaultHeader(HttpHeaders.ACCEPT, "application/vnd.github+json, application/json")
                .defaultHeader("X-GitHub-Api-Version", API_VERSION)
                .defaultHeader(HttpHeaders.USER_AGENT, "runnerscale-autoscaler")
                .build();
        GitHubProperties.CircuitBreaker cb = properties.circuitBreaker();
        this.circuitBreakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .failureRateThreshold(cb.failureRateThreshold())
                .slidingWindowSize(cb.slidingWindowSize())
                .minimumNumberOfCalls(cb.minimumNumberOfCalls())
                .waitDurationInOpenState(cb.waitInOpenState())
                .permittedNumberOfCallsInHalfOpenState(cb.permittedCallsInHalfOpenState())
                .build());
        this.circuitBreaker = circuitBreakers.circuitBreaker("github");
        this.waitInOpenState = cb.waitInOpenState();
        circuitBreaker.getEventPublisher().onStateTransition(event -> {
            CircuitBreaker.State to = event.getStateTransition().getToState();
            if (to == CircuitBreaker.State.OPEN || to == CircuitBreaker.State.FORCED_OPEN) {
                circuitOpenedAt = clock.instant();
            }
        });
        GitHubProperties.RateLimiter rl = properties.rateLimiter();
        this.rateLimiters = RateLimiterRegistry.of(RateLimiterConfig.custom()
                .limitForPeriod(rl.limitForPeriod())
                .limitRefreshPeriod(rl.refreshPeriod())
                .timeoutDuration(rl.timeout())
                .build());
        this.rateLimiter = rateLimiters.rateLimiter("github");
    }

    /**
     * Publishes resilience4j's own meters (circuit state, failure rate, available permits), tagged {@code name=github}.
     */
    public void bindMetrics(MeterRegistry registry) {
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(circuitBreakers).bindTo(registry);
        TaggedRateLimiterMetrics.ofRateLimiterRegistry(rateLimiters).bindTo(registry);
    }

    public CircuitBreaker circuitBreaker() {
        return circuitBreaker;
    }

    public RateLimiter rateLimiter() {
        return rateLimiter;
    }

    /**
     * Until when calls with {@code credential} will not be sent: a wait GitHub asked of that credential, or the open
     * circuit (GitHub's health, one for all credentials), whichever ends later; empty when a call may go now.
     */
    Optional<Instant> heldUntil(GitHubCredential credential) {
        Optional<Instant> gated = gate.closedUntil(credential.id());
        Optional<Instant> open = circuitOpenUntil();
        if (gated.isPresent() && open.isPresent()) {
            return Optional.of(gated.get().isAfter(open.get()) ? gated.get() : open.get());
        }
        return gated.isPresent() ? gated : open;
    }

    private Optional<Instant> circuitOpenUntil() {
        CircuitBreaker.State state = circuitBreaker.getState();
        if (state == CircuitBreaker.State.FORCED_OPEN) {
            return Optional.of(clock.instant().plus(waitInOpenState));
        }
        if (state != CircuitBreaker.State.OPEN) {
            return Optional.empty();
        }
        // Past the wait the breaker lets a probe through on the next call: not held any more.
        Instant until = circuitOpenedAt.plus(waitInOpenState);
        return clock.instant().isBefore(until) ? Optional.of(until) : Optional.empty();
    }

    /** The credential's budget as its last answer with {@code X-RateLimit-*} headers told. */
    Optional<RateBudget> budget(GitHubCredential credential) {
        return Optional.ofNullable(budgets.get(credential.id()));
    }

    /**
     * One request.
     *
     * @param call what to send; {@code uriTemplate} is expanded (and its variables encoded) against the API URL
     * @return the answer when its status is 2xx or one of {@code call.accepted()}
     */
    GitHubResponse send(GitHubCall call) {
        GitHubOperation op = call.operation();
        GitHubCredential credential = call.credential();
        // The credential's own wait first: a held credential neither sends nor mints a token for nothing.
        refuseWhileGated(op, credential);
        // Credentials next: minting an installation token is itself a guarded call (with the App's credential), and
        // must not run while this call holds a circuit-breaker or rate-limiter permit.
        String authorization = authorization(credential);
        refuseWhileGated(op, credential);
        if (!circuitBreaker.tryAcquirePermission()) {
            metrics.record(op, GitHubOutcome.CIRCUIT_OPEN);
            throw new GitHubUnavailableException(
                    "GitHub " + op.tag() + " not sent: circuit breaker is open", null, false, null);
        }
        if (!rateLimiter.acquirePermission()) {
            circuitBreaker.releasePermission();
            metrics.record(op, GitHubOutcome.REFUSED);
            Instant retryAt =
                    clock.instant().plus(rateLimiter.getRateLimiterConfig().getLimitRefreshPeriod());
            throw new GitHubRateLimitedException(
                    "GitHub " + op.tag() + " not sent: local rate limiter has no permit", retryAt, null);
        }
        long start = circuitBreaker.getCurrentTimestamp();
        Raw raw;
        try {
            raw = exchange(call, authorization);
        } catch (RestClientException | UncheckedIOException e) {
            circuitBreaker.onError(elapsed(start), circuitBreaker.getTimestampUnit(), e);
            metrics.record(op, GitHubOutcome.ERROR);
            throw new GitHubUnavailableException(
                    "GitHub " + op.tag() + " failed: " + e.getMessage(), e, !connectionNeverMade(e), null);
        }
        if (raw.status() == 401 && credential.authorization() instanceof RevocableAuthorization revocable) {
            // A revoked or rotated installation token is refused long before its expiry: drop it, so the next
            // call mints a fresh one instead of failing until the scheduled renewal.
            revocable.rejected(authorization);
        }
        return classify(call, raw, start);
    }

    private void refuseWhileGated(GitHubOperation op, GitHubCredential credential) {
        Optional<Instant> closed = gate.closedUntil(credential.id());
        if (closed.isPresent()) {
            metrics.record(op, GitHubOutcome.REFUSED);
            throw new GitHubRateLimitedException(
                    "GitHub " + op.tag() + " not sent: waiting for GitHub's rate limit of " + credential.id()
                            + " until " + closed.get(),
                    closed.get(),
                    credential.id());
        }
    }

    private void recordBudget(GitHubCredential credential, HttpHeaders headers) {
        String remainingHeader = headers.getFirst("X-RateLimit-Remaining");
        if (remainingHeader == null) {
            return;
        }
        long remaining;
        try {
            remaining = Long.parseLong(remainingHeader.trim());
        } catch (NumberFormatException e) {
            // A malformed header leaves the last known values in place; it decides nothing.
            return;
        }
        metrics.rateLimitRemaining(credential.account(), remaining);
        String limitHeader = headers.getFirst("X-RateLimit-Limit");
        Optional<Instant> reset = RateLimitRules.parseReset(headers, clock.instant());
        if (limitHeader == null || reset.isEmpty()) {
            return;
        }
        try {
            long limit = Long.parseLong(limitHeader.trim());
            budgets.put(credential.id(), new RateBudget(credential.id(), limit, remaining, reset.get()));
        } catch (NumberFormatException e) {
            // as above
        }
    }

    private GitHubResponse classify(GitHubCall call, Raw raw, long start) {
        GitHubOperation op = call.operation();
        recordBudget(call.credential(), raw.headers());
        int status = raw.status();
        if (status >= 500) {
            GitHubUnavailableException e = new GitHubUnavailableException(
                    "GitHub " + op.tag() + " answered " + status + ": " + message(raw), null, true, status);
            circuitBreaker.onError(elapsed(start), circuitBreaker.getTimestampUnit(), e);
            metrics.record(op, GitHubOutcome.ERROR);
            throw e;
        }
        if ((status >= 200 && status < 300) || call.accepted().contains(status)) {
            JsonNode body;
            try {
                body = raw.body().length == 0 ? MissingNode.getInstance() : json.readTree(raw.body());
            } catch (JacksonException e) {
                circuitBreaker.onError(elapsed(start), circuitBreaker.getTimestampUnit(), e);
                metrics.record(op, GitHubOutcome.ERROR);
                throw new GitHubUnavailableException(
                        "GitHub " + op.tag() + " answered unreadable JSON", e, true, status);
            }
            circuitBreaker.onSuccess(elapsed(start), circuitBreaker.getTimestampUnit());
            metrics.record(op, status == 404 ? GitHubOutcome.NOT_FOUND : GitHubOutcome.SUCCESS);
            return new GitHubResponse(status, raw.headers(), body);
        }
        String message = message(raw);
        Optional<Instant> retryAt =
                RateLimitRules.retryAt(status, raw.headers(), message, clock.instant(), rateLimitBackoff);
        if (retryAt.isPresent()) {
            // Not a failure of GitHub's health: free the permit without counting it either way.
            circuitBreaker.releasePermission();
            String credential = call.credential().id();
            gate.closeUntil(credential, retryAt.get());
            metrics.record(op, GitHubOutcome.RATE_LIMITED);
            log.warn(
                    "GitHub rate-limited {} ({}); no GitHub call with {} before {}",
                    op.tag(),
                    status,
                    credential,
                    retryAt.get());
            throw new GitHubRateLimitedException(
                    "GitHub rate-limited " + op.tag() + " with " + credential + " (" + status + "): " + message,
                    retryAt.get(),
                    credential);
        }
        // GitHub is up and answered: a request or permission problem is not a reason to open the circuit.
        circuitBreaker.onSuccess(elapsed(start), circuitBreaker.getTimestampUnit());
        metrics.record(op, status == 404 ? GitHubOutcome.NOT_FOUND : GitHubOutcome.REJECTED);
        GitHubRejectedException.Reason reason = GitHubRejectedException.Reason.of(status);
        throw new GitHubRejectedException(
                "GitHub refused " + op.tag() + " (" + status + " " + reason.slug() + "): " + message,
                status,
                reason,
                message);
    }

    private Raw exchange(GitHubCall call, String authorization) {
        RestClient.RequestBodySpec spec = rest.method(call.method())
                .uri(call.uriTemplate(), call.uriVariables())
                .header(HttpHeaders.AUTHORIZATION, authorization);
        if (call.body() != null) {
            spec = spec.contentType(MediaType.APPLICATION_JSON).body(json.writeValueAsString(call.body()));
        }
        return spec.exchange((request, response) -> new Raw(
                response.getStatusCode().value(),
                HttpHeaders.readOnlyHttpHeaders(response.getHeaders()),
                response.getBody().readAllBytes()));
    }

    private static String authorization(GitHubCredential credential) {
        try {
            return credential.authorization().getEncodedAuthorization();
        } catch (IOException e) {
            throw new GitHubUnavailableException("GitHub credentials could not be prepared", e, false, null);
        }
    }

    /** GitHub's error {@code message} (never contains credentials), or a short note when absent. */
    private String message(Raw raw) {
        if (raw.body().length == 0) {
            return "(no body)";
        }
        try {
            JsonNode node = json.readTree(raw.body());
            String message = node.path("message").asString("");
            return message.isBlank() ? "(no message)" : message;
        } catch (JacksonException e) {
            return "(unreadable body)";
        }
    }

    /**
     * Whether the request failed before a connection was made (refused, unknown host, no route, connect timeout): then
     * it certainly never reached GitHub. A timeout or a reset after connecting may have delivered it.
     */
    static boolean connectionNeverMade(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException
                    || t instanceof java.net.http.HttpConnectTimeoutException
                    || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.NoRouteToHostException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private long elapsed(long start) {
        return Math.max(0, circuitBreaker.getCurrentTimestamp() - start);
    }

    private record Raw(int status, HttpHeaders headers, byte[] body) {}

    /**
     * One request to send.
     *
     * @param credential whose authorisation is sent, and whose gate and budget the call uses
     * @param accepted non-2xx statuses the caller handles (e.g. 404 "unknown", 422 "runner busy")
     */
    record GitHubCall(
            GitHubOperation operation,
            HttpMethod method,
            String uriTemplate,
            Object[] uriVariables,
            GitHubCredential credential,
            Object body,
            Set<Integer> accepted) {

        GitHubCall {
            uriVariables = uriVariables.clone();
            accepted = Set.copyOf(accepted);
        }

        static GitHubCall get(GitHubOperation op, GitHubCredential credential, String uri, Object... vars) {
            return new GitHubCall(op, HttpMethod.GET, uri, vars, credential, null, Set.of());
        }

        GitHubCall withBody(Object newBody) {
            return new GitHubCall(operation, method, uriTemplate, uriVariables, credential, newBody, accepted);
        }

        GitHubCall accepting(Integer... statuses) {
            return new GitHubCall(operation, method, uriTemplate, uriVariables, credential, body, Set.of(statuses));
        }

        GitHubCall method(HttpMethod newMethod) {
            return new GitHubCall(operation, newMethod, uriTemplate, uriVariables, credential, body, accepted);
        }
    }

    /** An answer GitHub gave; {@code body} is a missing node when there was none. */
    record GitHubResponse(int status, HttpHeaders headers, JsonNode body) {}
}
