package dev.runnerscale.autoscaler.github;

import dev.runnerscale.autoscaler.github.GitHubHttp.GitHubCall;
import dev.runnerscale.autoscaler.github.GitHubHttp.GitHubResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Where the GitHub App is installed: the installation serving an organisation ({@code GET /orgs/{org}/installation})
 * or a repository's owner ({@code GET /repos/{owner}/{repo}/installation}), with the App's JWT, remembered for
 * {@code installation-cache.ttl}. GitHub allows one installation of an App per account, so an installation found
 * for an owner serves all of that owner's scopes and repositories without another lookup (a repository outside the
 * installation's selection then answers 404 on its own calls). A lookup answering 404 is a rejection
 * ({@code not_installed}) for that organisation or repository, remembered for {@code installation-cache.not-installed-ttl}.
 * Lookups are serialised (they are rare: once per owner and hour); cached answers are read without a lock.
 */
final class InstallationDirectory {

    private static final Logger log = LoggerFactory.getLogger(InstallationDirectory.class);

    /** An installation of the App on {@code account}. */
    record Installation(long id, String account) {}

    private record Found(Installation installation, Instant until) {}

    private record Missing(GitHubRejectedException refusal, Instant until) {}

    private final GitHubHttp http;
    private final GitHubCredential app;
    private final GitHubProperties.InstallationCache settings;
    private final Clock clock;
    /** By lower-case owner login. */
    private final Map<String, Found> byOwner = new ConcurrentHashMap<>();
    /** By lower-case lookup target: {@code org} or {@code owner/repo}. */
    private final Map<String, Missing> missing = new ConcurrentHashMap<>();

    private final ReentrantLock lookups = new ReentrantLock();

    InstallationDirectory(
            GitHubHttp http, GitHubCredential app, GitHubProperties.InstallationCache settings, Clock clock) {
        this.http = http;
        this.app = app;
        this.settings = settings;
        this.clock = clock;
    }

    /** The installation serving {@code owner}, as last found and not expired; never a request. */
    Optional<Installation> known(String owner) {
        Found found = byOwner.get(key(owner));
        return found != null && clock.instant().isBefore(found.until())
                ? Optional.of(found.installation())
                : Optional.empty();
    }

    /**
     * The installation serving {@code owner}, looked up when not known: with {@code repository} empty as an
     * organisation, else through that repository (which also finds a user account's installation).
     *
     * @throws GitHubRejectedException {@code not_installed} when the App is not installed there (404), or another
     *     rejection of the lookup (e.g. 401: the App's id or key is wrong)
     */
    Installation find(String owner, String repository) {
        Optional<Installation> cached = known(owner);
        if (cached.isPresent()) {
            return cached.get();
        }
        String target = target(owner, repository);
        refuseIfMissing(target);
        lookups.lock();
        try {
            cached = known(owner);
            if (cached.isPresent()) {
                return cached.get();
            }
            refuseIfMissing(target);
            return lookUp(owner, repository, target);
        } finally {
            lookups.unlock();
        }
    }

    /** GitHub no longer knows {@code installationId}: forget every owner it served, so that the next call asks. */
    void forget(long installationId) {
        byOwner.values().removeIf(f -> f.installation().id() == installationId);
    }

    private Installation lookUp(String owner, String repository, String target) {
        boolean organisation = repository == null || repository.isBlank();
        GitHubCall call = organisation
                ? GitHubCall.get(GitHubOperation.GET_INSTALLATION, app, "/orgs/{org}/installation", owner)
                : GitHubCall.get(
                        GitHubOperation.GET_INSTALLATION, app, "/repos/{owner}/{repo}/installation", owner, repository);
        GitHubResponse response = http.send(call.accepting(404));
        Instant now = clock.instant();
        if (response.status() == 404) {
            GitHubRejectedException refusal = new GitHubRejectedException(
                    "the GitHub App is not installed on " + target + " (GET "
                            + (organisation ? "/orgs/" + owner : "/repos/" + owner + "/" + repository)
                            + "/installation answered 404); install it there or remove the pools of " + target,
                    404,
                    GitHubRejectedException.Reason.NOT_INSTALLED,
                    response.body().path("message").asString("Not Found"));
            missing.put(key(target), new Missing(refusal, now.plus(settings.notInstalledTtl())));
            log.warn("{}", refusal.getMessage());
            throw refusal;
        }
        JsonNode body = response.body();
        if (!body.path("id").canConvertToLong() || body.path("id").asLong() <= 0) {
            throw new GitHubUnavailableException("GitHub get_installation answer for " + target + " has no id");
        }
        String account = body.path("account").path("login").asString("");
        Installation installation = new Installation(body.path("id").asLong(), account.isBlank() ? owner : account);
        Found found = new Found(installation, now.plus(settings.ttl()));
        byOwner.put(key(owner), found);
        byOwner.put(key(installation.account()), found);
        missing.remove(key(target));
        log.info("GitHub App installation {} serves {}", installation.id(), installation.account());
        return installation;
    }

    private void refuseIfMissing(String target) {
        Missing m = missing.get(key(target));
        if (m != null) {
            if (clock.instant().isBefore(m.until())) {
                GitHubRejectedException r = m.refusal();
                throw new GitHubRejectedException(r.getMessage(), r.status(), r.reason(), r.gitHubMessage());
            }
            missing.remove(key(target), m);
        }
    }

    private static String target(String owner, String repository) {
        return repository == null || repository.isBlank() ? owner : owner + "/" + repository;
    }

    private static String key(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
