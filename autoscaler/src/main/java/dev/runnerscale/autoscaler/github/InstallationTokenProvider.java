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
 * Installation tokens of the GitHub App, minted with the App's JWT through
 * {@code POST /app/installations/{id}/access_tokens} and cached until {@code refresh-margin} before their
 * {@code expires_at}. We do not use github-api's {@code AppInstallationAuthorizationProvider}: it calls
 * {@code GET /app} first, an extra request per refresh that our OpenAPI subset (and our needs) do not include.
 * Thread-safe: concurrent callers share one mint.
 */
final class InstallationTokenProvider implements AuthorizationProvider, RevocableAuthorization {

    private static final Duration MIN_REUSE = Duration.ofMinutes(1);

    private final GitHubHttp http;
    private final AuthorizationProvider appJwt;
    private final long installationId;
    private final Clock clock;
    private final Duration refreshMargin;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Token current;

    InstallationTokenProvider(
            GitHubHttp http, AuthorizationProvider appJwt, long installationId, Clock clock, Duration refreshMargin) {
        this.http = http;
        this.appJwt = appJwt;
        this.installationId = installationId;
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

    private boolean fresh(Token token) {
        return token != null && clock.instant().isBefore(token.refreshAt());
    }

    private Token mint() {
        GitHubResponse response = http.send(new GitHubCall(
                GitHubOperation.INSTALLATION_TOKEN,
                HttpMethod.POST,
                "/app/installations/{installation_id}/access_tokens",
                new Object[] {installationId},
                appJwt,
                null,
                Set.of()));
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
