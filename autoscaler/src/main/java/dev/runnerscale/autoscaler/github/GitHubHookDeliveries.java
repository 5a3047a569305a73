package dev.runnerscale.autoscaler.github;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Webhook deliveries of the GitHub App's hook ({@code /app/hook/deliveries}, with the App's JWT), of an
 * organisation hook ({@code /orgs/{org}/hooks/{hook_id}/deliveries}) or of a repository hook
 * ({@code /repos/{owner}/{repo}/hooks/{hook_id}/deliveries}, both with the credential serving that owner). GitHub
 * never redelivers on its own. Failures surface by kind ({@link GitHubException}).
 */
public interface GitHubHookDeliveries {

    /** One page of the hook's deliveries, newest first; {@code cursor} empty for the first page. */
    DeliveryPage list(Hook hook, Optional<String> cursor, int perPage);

    /** Asks GitHub to deliver the hook's delivery {@code id} again (accepted when this returns). */
    void redeliver(Hook hook, long deliveryId);

    /** A webhook whose deliveries can be read and redelivered. */
    sealed interface Hook permits AppHook, OrganisationHook, RepositoryHook {}

    /** The GitHub App's own webhook. */
    record AppHook() implements Hook {
        @Override
        public String toString() {
            return "the App's hook";
        }
    }

    record OrganisationHook(String organisation, long id) implements Hook {
        @Override
        public String toString() {
            return "hook " + id + " of " + organisation;
        }
    }

    record RepositoryHook(String owner, String repository, long id) implements Hook {
        @Override
        public String toString() {
            return "hook " + id + " of " + owner + "/" + repository;
        }
    }

    /** A configured hook ({@code runnerscale.github.redelivery.hooks[*]}). */
    static Hook of(GitHubProperties.HookRef configured) {
        return configured.organisationHook()
                ? new OrganisationHook(configured.owner(), configured.id())
                : new RepositoryHook(configured.owner(), configured.repository(), configured.id());
    }

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
