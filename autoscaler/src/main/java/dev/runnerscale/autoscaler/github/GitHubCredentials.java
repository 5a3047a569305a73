package dev.runnerscale.autoscaler.github;

import dev.runnerscale.autoscaler.github.InstallationDirectory.Installation;
import dev.runnerscale.autoscaler.pools.PoolsProperties.GitHubScope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.kohsuke.github.authorization.ImmutableAuthorizationProvider;
import org.kohsuke.github.extras.authorization.JWTTokenProvider;

/**
 * Which credential serves a scope, an organisation or a repository:
 *
 * <ul>
 *   <li>personal access token: the token, for every scope it can serve (GitHub refuses the others, per scope);
 *   <li>GitHub App with {@code installation-id}: that installation for everything (a pin, no lookup);
 *   <li>GitHub App without: the installation of the scope's owner, found by {@link InstallationDirectory}.
 * </ul>
 *
 * Installation tokens are minted and cached per installation ({@link InstallationTokenProvider}, one per
 * installation id, so concurrent callers of one installation share a mint). The App's own JWT is the
 * {@link #app()} credential (installation lookups, token mints, the App's hook deliveries).
 */
final class GitHubCredentials {

    private final GitHubProperties properties;
    private final GitHubHttp http;
    private final Clock clock;
    private final GitHubCredential token;
    private final GitHubCredential app;
    private final InstallationDirectory directory;
    private final Map<Long, GitHubCredential> installations = new ConcurrentHashMap<>();

    private GitHubCredentials(GitHubProperties properties, GitHubHttp http, Clock clock) {
        this.properties = properties;
        this.http = http;
        this.clock = clock;
        if (properties.mode() == GitHubProperties.Mode.TOKEN) {
            this.token = new GitHubCredential(
                    GitHubCredential.TOKEN,
                    GitHubCredential.TOKEN,
                    ImmutableAuthorizationProvider.fromOauthToken(properties.token()));
            this.app = null;
            this.directory = null;
        } else {
            this.token = null;
            JWTTokenProvider jwt = new JWTTokenProvider(
                    String.valueOf(properties.appId()), PrivateKeys.parse(privateKeyPem(properties)));
            this.app = new GitHubCredential(GitHubCredential.APP, GitHubCredential.APP, jwt);
            this.directory = properties.installationId() == null
                    ? new InstallationDirectory(http, app, properties.installationCache(), clock)
                    : null;
        }
    }

    static GitHubCredentials from(GitHubProperties properties, GitHubHttp http, Clock clock) {
        if (properties.mode() == GitHubProperties.Mode.DRY_RUN) {
            throw new IllegalStateException("no GitHub credentials configured");
        }
        return new GitHubCredentials(properties, http, clock);
    }

    /** The credential serving a pool's scope (may look the installation up). */
    GitHubCredential forScope(GitHubScope scope) {
        return scope.organisationScoped() ? forOwner(scope.owner(), null) : forOwner(scope.owner(), scope.repository());
    }

    /** The credential serving a repository (a job's, a repository hook's); may look the installation up. */
    GitHubCredential forRepository(String owner, String repository) {
        return forOwner(owner, repository);
    }

    /** The credential serving an organisation (an organisation hook's); may look the installation up. */
    GitHubCredential forOrganisation(String organisation) {
        return forOwner(organisation, null);
    }

    /** The credential serving the scope when it is known without a request; empty when a lookup is still due. */
    Optional<GitHubCredential> knownForScope(GitHubScope scope) {
        return knownForOwner(scope.owner());
    }

    Optional<GitHubCredential> knownForOwner(String owner) {
        if (token != null) {
            return Optional.of(token);
        }
        if (directory == null) {
            return Optional.of(pinned(owner));
        }
        return directory.known(owner).map(this::installation);
    }

    /**
     * Until when a call for {@code owner} will not be sent, without asking GitHub: the wait of the credential serving
     * it, and the App's own wait when that call would first need the App (the installation is not known yet, or its
     * token must be minted), or the open circuit; empty when a call may go now.
     */
    Optional<Instant> heldUntil(String owner) {
        Optional<GitHubCredential> known = knownForOwner(owner);
        Optional<Instant> own = known.flatMap(http::heldUntil);
        boolean needsApp = known.isEmpty()
                || (known.get().authorization() instanceof InstallationTokenProvider tokens && tokens.needsMint());
        if (app == null || !needsApp) {
            return own;
        }
        Optional<Instant> ofApp = http.heldUntil(app);
        if (own.isPresent() && ofApp.isPresent()) {
            return Optional.of(own.get().isAfter(ofApp.get()) ? own.get() : ofApp.get());
        }
        return own.isPresent() ? own : ofApp;
    }

    /** The App's JWT; empty with a personal access token. */
    Optional<GitHubCredential> app() {
        return Optional.ofNullable(app);
    }

    /** A credential that reaches {@code GET /rate_limit} without a lookup: the token or the pinned installation. */
    Optional<GitHubCredential> withoutLookup() {
        if (token != null) {
            return Optional.of(token);
        }
        return directory == null ? Optional.of(pinned(null)) : Optional.empty();
    }

    private GitHubCredential forOwner(String owner, String repository) {
        if (token != null) {
            return token;
        }
        if (directory == null) {
            return pinned(owner);
        }
        return installation(directory.find(owner, repository));
    }

    /**
     * The pinned installation: its account is not looked up, so the gauge's scope is the owner it first served (in
     * the single-organisation set-up a pin is for, the organisation).
     */
    private GitHubCredential pinned(String owner) {
        long id = properties.installationId();
        return installations.computeIfAbsent(id, i -> newInstallation(i, owner == null ? "installation" : owner));
    }

    private GitHubCredential installation(Installation installation) {
        return installations.computeIfAbsent(installation.id(), id -> newInstallation(id, installation.account()));
    }

    private GitHubCredential newInstallation(long id, String account) {
        InstallationTokenProvider tokens =
                new InstallationTokenProvider(http, app, id, clock, properties.tokenRefreshMargin(), () -> {
                    installations.remove(id);
                    if (directory != null) {
                        directory.forget(id);
                    }
                });
        return new GitHubCredential(GitHubCredential.installationId(id), account, tokens);
    }

    private static String privateKeyPem(GitHubProperties properties) {
        if (properties.privateKeyFile() == null) {
            return properties.privateKey();
        }
        try {
            return Files.readString(properties.privateKeyFile());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "runnerscale.github.private-key-file cannot be read: " + properties.privateKeyFile(), e);
        }
    }

    @Override
    public String toString() {
        return "GitHubCredentials[<redacted>]";
    }
}
