package dev.runnerscale.autoscaler.github;

import dev.runnerscale.autoscaler.github.GitHubHttp.GitHubCall;
import dev.runnerscale.autoscaler.github.GitHubHttp.GitHubResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.kohsuke.github.authorization.AuthorizationProvider;
import org.springframework.http.HttpMethod;

/**
 * Installation tokens of one installation of the GitHub App, minted with the App's JWT through
 * {@code POST /app/installations/{id}/access_tokens} and cached until {@code refresh-margin} before their
 * {@code expires_at}. We do not use github-api's {@code AppInstallationAuthorizationProvider}: it calls
 * {@code GET /app} first, an extra request per refresh that our OpenAPI subset (and our needs) do not include.
 * Thread-safe: concurrent callers share one mint. One provider per installation ({@link GitHubCredentials}).
 */
final class InstallationTokenProvider implements AuthorizationProvider, RevocableAuthorization {

    private static final Duration MIN_REUSE = Duration.ofMinutes(1);

    private final GitHubHttp http;
    private final GitHubCredential app;
    private final long installationId;
    private final Runnable gone;
    private final Clock clock;
    private final Duration refreshMargin;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Token current;

    /**
     * @param app the App's JWT credential, which mints
     * @param gone told when GitHub no longer knows the installation (404 on a mint), so that it is looked up again
     */
    InstallationTokenProvider(
            GitHubHttp http,
            GitHubCredential app,
            long installationId,
            Clock clock,
            Duration refreshMargin,
            Runnable gone) {
        this.http = http;
        this.app = app;
        this.installationId = installationId;
        this.gone = gone;
        this.clock = clock;
        this.refreshMargin = refreshMargin;
    }

    @Override
    public String getEncodedAuthorization() {
        Token token = current;
        if (fresh(token)) {
            return "Bearer " + token.value();
        }
        lock.lock();
        try {
            token = current;
            if (!fresh(token)) {
                token = mint();
                current = token;
            }
            return "Bearer " + token.value();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void rejected(String authorization) {
        lock.lock();
        try {
            Token token = current;
            // Only the token that was refused: a concurrent caller may already have minted its successor.
            if (token != null && authorization.equals("Bearer " + token.value())) {
                current = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether the next call must mint a token first (with the App's credential). */
    boolean needsMint() {
        return !fresh(current);
    }

    private boolean fresh(Token token) {
        return token != null && clock.instant().isBefore(token.refreshAt());
    }

    private Token mint() {
        GitHubResponse response;
        try {
            response = http.send(new GitHubCall(
                    GitHubOperation.INSTALLATION_TOKEN,
                    HttpMethod.POST,
                    "/app/installations/{installation_id}/access_tokens",
                    new Object[] {installationId},
                    app,
                    null,
                    Set.of()));
        } catch (GitHubRejectedException e) {
            if (e.status() != 404) {
                throw e;
            }
            // Uninstalled (or re-installed under a new id): the next call looks the installation up afresh.
            gone.run();
            throw new GitHubRejectedException(
                    "the GitHub App's installation " + installationId + " no longer exists: " + e.getMessage(),
                    404,
                    GitHubRejectedException.Reason.NOT_INSTALLED,
                    e.gitHubMessage());
        }
        String value = response.body().path("token").asString("");
        String expiresAt = response.body().path("expires_at").asString("");
        if (value.isBlank()) {
            throw new GitHubUnavailableException("GitHub installation token answer has no token");
        }
        try {
            Instant expires = Instant.parse(expiresAt);
            // Renew refresh-margin before expiry, but keep a token at least a minute: a short-lived token (or a
            // skewed clock) must not turn every call into a mint.
            Instant refreshAt = expires.minus(refreshMargin);
            Instant floor = clock.instant().plus(MIN_REUSE);
            return new Token(value, refreshAt.isAfter(floor) ? refreshAt : floor);
        } catch (DateTimeParseException e) {
            throw new GitHubUnavailableException("GitHub installation token answer has no readable expires_at", e);
        }
    }

    private record Token(String value, Instant refreshAt) {
        @Override
        public String toString() {
            return "Token[<redacted>, refreshAt=" + refreshAt + "]";
        }
    }
}
