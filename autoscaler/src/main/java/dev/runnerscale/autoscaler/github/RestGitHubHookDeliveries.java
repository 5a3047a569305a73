package dev.runnerscale.autoscaler.github;

import dev.runnerscale.autoscaler.github.GitHubHttp.GitHubCall;
import dev.runnerscale.autoscaler.github.GitHubHttp.GitHubResponse;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpMethod;
import tools.jackson.databind.JsonNode;

/**
 * The hook-deliveries endpoints of the App's hook (with the App's JWT) and of organisation and repository hooks
 * (with the credential serving the owner), through our own client: github-api has no such calls.
 */
final class RestGitHubHookDeliveries implements GitHubHookDeliveries {

    private final GitHubHttp http;
    private final GitHubCredentials credentials;

    RestGitHubHookDeliveries(GitHubHttp http, GitHubCredentials credentials) {
        this.http = http;
        this.credentials = credentials;
    }

    @Override
    public DeliveryPage list(Hook hook, Optional<String> cursor, int perPage) {
        Target target = target(hook);
        List<Object> vars = new ArrayList<>(target.vars());
        vars.add(perPage);
        String uri = target.path() + "?per_page={per_page}";
        if (cursor.isPresent()) {
            uri += "&cursor={cursor}";
            vars.add(cursor.get());
        }
        GitHubResponse response =
                http.send(GitHubCall.get(GitHubOperation.LIST_DELIVERIES, target.credential(), uri, vars.toArray()));
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
    public void redeliver(Hook hook, long deliveryId) {
        Target target = target(hook);
        List<Object> vars = new ArrayList<>(target.vars());
        vars.add(deliveryId);
        http.send(GitHubCall.get(
                        GitHubOperation.REDELIVER,
                        target.credential(),
                        target.path() + "/{delivery_id}/attempts",
                        vars.toArray())
                .method(HttpMethod.POST));
    }

    private record Target(GitHubCredential credential, String path, List<Object> vars) {}

    private Target target(Hook hook) {
        if (hook instanceof OrganisationHook org) {
            return new Target(
                    credentials.forOrganisation(org.organisation()),
                    "/orgs/{org}/hooks/{hook_id}/deliveries",
                    List.of(org.organisation(), org.id()));
        }
        if (hook instanceof RepositoryHook repo) {
            return new Target(
                    credentials.forRepository(repo.owner(), repo.repository()),
                    "/repos/{owner}/{repo}/hooks/{hook_id}/deliveries",
                    List.of(repo.owner(), repo.repository(), repo.id()));
        }
        GitHubCredential app = credentials
                .app()
                .orElseThrow(() -> new IllegalStateException("the App's hook needs a GitHub App (app-id)"));
        return new Target(app, "/app/hook/deliveries", List.of());
    }

    private static Instant time(JsonNode node) {
        try {
            return node.isString() ? OffsetDateTime.parse(node.asString()).toInstant() : Instant.EPOCH;
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}
