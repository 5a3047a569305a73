package dev.runnerscale.autoscaler.webhook;

import dev.runnerscale.autoscaler.pools.RepositoryPatterns;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which jobs we take: owners and repositories on the allow-lists (glob patterns, case-insensitive like GitHub's
 * names; an empty allow-list admits every owner whose deliveries carry a valid signature), and no public repository
 * unless allowed, since a pull request from a public fork could run code on a self-hosted runner.
 */
final class DeliveryPolicy {

    /** Why a job was refused; null when it was admitted. */
    enum Refusal {
        OWNER_NOT_ALLOWED,
        PUBLIC_REPOSITORY
    }

    private final List<Pattern> owners;
    private final List<Pattern> repositories;
    private final boolean allowPublic;

    DeliveryPolicy(List<String> allowedOwners, List<String> allowedRepositories, boolean allowPublic) {
        this.owners = allowedOwners.stream().map(RepositoryPatterns::glob).toList();
        this.repositories =
                allowedRepositories.stream().map(RepositoryPatterns::glob).toList();
        this.allowPublic = allowPublic;
    }

    /** @param fullName {@code owner/repository} */
    Refusal check(String owner, String fullName, boolean publicRepository) {
        boolean listed = owners.isEmpty() && repositories.isEmpty()
                || owners.stream().anyMatch(p -> p.matcher(owner).matches())
                || repositories.stream().anyMatch(p -> p.matcher(fullName).matches());
        if (!listed) {
            return Refusal.OWNER_NOT_ALLOWED;
        }
        if (publicRepository && !allowPublic) {
            return Refusal.PUBLIC_REPOSITORY;
        }
        return null;
    }
}
