package dev.runnerscale.autoscaler.testsupport;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.LoggedResponse;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks one request/response pair against GitHub's OpenAPI description in {@code ../shared/github/openapi}: the
 * hook-delivery paths (the App's, organisation and repository hooks) against {@code webhook-deliveries.json},
 * everything else against {@code runners-and-jobs.json}. The validators are parsed once per JVM.
 *
 * <p>One deliberate allowance: the trimmed description omits the error statuses GitHub answers on every
 * endpoint (401, 403, 404, 429, 5xx; for example a 404 for an unknown job). Such a status is accepted where the
 * operation does not document it, provided its body is GitHub's {@code basic-error} shape (or empty).
 */
public final class OpenApiContract {

    private static final Set<Integer> GENERIC_ERRORS = Set.of(401, 403, 404, 429, 500, 502, 503, 504);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The App's, an organisation's or a repository's hook deliveries: described in webhook-deliveries.json. */
    private static final Pattern HOOK_DELIVERIES =
            Pattern.compile("^(/app/hook|/orgs/[^/]+/hooks/[^/]+|/repos/[^/]+/[^/]+/hooks/[^/]+)/deliveries(/|$)");

    private static volatile Map<String, OpenApiInteractionValidator> validators;

    private OpenApiContract() {}

    /** Violations of one served interaction; empty when it matches the description. */
    public static List<String> violations(ServeEvent event) {
        LoggedRequest request = event.getRequest();
        URI uri = URI.create(request.getUrl());
        String path = uri.getRawPath();
        List<String> out = new ArrayList<>();
        String where = request.getMethod() + " " + request.getUrl();
        if (!event.getWasMatched()) {
            out.add(where + ": no stub matched (an unexpected call reached the fake GitHub)");
        }
        SimpleRequest.Builder rb = new SimpleRequest.Builder(request.getMethod().getName(), path);
        queryParams(uri.getRawQuery()).forEach(rb::withQueryParam);
        for (HttpHeader h : request.getHeaders().all()) {
            rb.withHeader(h.key(), h.values());
        }
        if (request.getBody() != null && request.getBody().length > 0) {
            rb.withBody(request.getBody());
        }
        SimpleRequest validatorRequest = rb.build();
        OpenApiInteractionValidator validator = validatorFor(path);
        ValidationReport requestReport = validator.validateRequest(validatorRequest);
        requestReport.getMessages().stream()
                .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .forEach(m -> out.add(where + " request: " + m.getKey() + ": " + m.getMessage()));

        LoggedResponse response = event.getResponse();
        if (response == null || response.getFault() != null || !event.getWasMatched()) {
            return out;
        }
        SimpleResponse.Builder sb = new SimpleResponse.Builder(response.getStatus());
        for (HttpHeader h : response.getHeaders().all()) {
            sb.withHeader(h.key(), h.values());
        }
        byte[] body = response.getBody();
        if (body != null && body.length > 0) {
            sb.withBody(body);
        }
        ValidationReport responseReport = validator.validateResponse(
                path, Request.Method.valueOf(request.getMethod().getName()), sb.build());
        for (ValidationReport.Message m : responseReport.getMessages()) {
            if (m.getLevel() != ValidationReport.Level.ERROR) {
                continue;
            }
            if (m.getKey().equals("validation.response.status.unknown")
                    && GENERIC_ERRORS.contains(response.getStatus())) {
                basicErrorViolation(body)
                        .ifPresent(v -> out.add(where + " response " + response.getStatus() + ": " + v));
                continue;
            }
            out.add(where + " response " + response.getStatus() + ": " + m.getKey() + ": " + m.getMessage());
        }
        return out;
    }

    private static Optional<String> basicErrorViolation(byte[] body) {
        if (body == null || body.length == 0) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node.isObject() && node.path("message").isString()) {
                return Optional.empty();
            }
        } catch (JacksonException e) {
            return Optional.of("undocumented error status with a non-JSON body");
        }
        return Optional.of("undocumented error status whose body is not GitHub's basic-error");
    }

    private static OpenApiInteractionValidator validatorFor(String path) {
        Map<String, OpenApiInteractionValidator> v = validators;
        if (v == null) {
            synchronized (OpenApiContract.class) {
                if (validators == null) {
                    validators = Map.of(
                            "deliveries", build("github/openapi/webhook-deliveries.json"),
                            "runners", build("github/openapi/runners-and-jobs.json"));
                }
                v = validators;
            }
        }
        return HOOK_DELIVERIES.matcher(path).find() ? v.get("deliveries") : v.get("runners");
    }

    private static OpenApiInteractionValidator build(String relative) {
        return OpenApiInteractionValidator.createForInlineApiSpecification(SharedReference.read(relative))
                .build();
    }

    private static Map<String, List<String>> queryParams(String rawQuery) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return params;
    }
}
