package dev.runnerscale.autoscaler.github;

import dev.runnerscale.autoscaler.github.GitHubHttp.GitHubCall;
import dev.runnerscale.autoscaler.github.GitHubHttp.GitHubResponse;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.kohsuke.github.authorization.AuthorizationProvider;
import org.springframework.http.HttpMethod;
import tools.jackson.databind.JsonNode;

/** The App's hook-deliveries endpoints through our own client (github-api has no such calls), with the App JWT. */
final class RestGitHubHookDeliveries implements GitHubHookDeliveries {

    private final GitHubHttp http;
    private final AuthorizationProvider appJwt;

    RestGitHubHookDeliveries(GitHubHttp http, AuthorizationProvider appJwt) {
        this.http = http;
        this.appJwt = appJwt;
    }

    @Override
    public DeliveryPage list(Optional<String> cursor, int perPage) {
        GitHubCall call = cursor.isPresent()
                ? GitHubCall.get(
                        GitHubOperation.LIST_DELIVERIES,
                        appJwt,
                        "/app/hook/deliveries?per_page={per_page}&cursor={cursor}",
                        perPage,
                        cursor.get())
                : GitHubCall.get(
                        GitHubOperation.LIST_DELIVERIES, appJwt, "/app/hook/deliveries?per_page={per_page}", perPage);
        GitHubResponse response = http.send(call);
        List<HookDelivery> deliveries = new ArrayList<>();
        for (JsonNode d : response.body()) {
            deliveries.add(new HookDelivery(
                    d.path("id").asLong(),
                    d.path("guid").asString(""),
                    time(d.path("delivered_at")),
                    d.path("redelivery").asBoolean(false),
                    d.path("status_code").asInt(0),
                    d.path("event").asString(""),
                    d.path("action").isString() ? d.path("action").asString() : null));
        }
        return new DeliveryPage(deliveries, LinkHeader.nextQueryParam(response.headers(), "cursor"));
    }

    @Override
    public void redeliver(long deliveryId) {
        http.send(GitHubCall.get(
                        GitHubOperation.REDELIVER, appJwt, "/app/hook/deliveries/{delivery_id}/attempts", deliveryId)
                .method(HttpMethod.POST));
    }

    private static Instant time(JsonNode node) {
        try {
            return node.isString() ? OffsetDateTime.parse(node.asString()).toInstant() : Instant.EPOCH;
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}
