package dev.runnerscale.autoscaler.github;

import dev.runnerscale.autoscaler.testsupport.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Our real GitHub client parts, wired as the application wires them, pointed at a fake GitHub, with a clock the
 * test moves. Properties are bound the way Spring Boot binds them, so their defaults apply.
 */
public final class GitHubClients {

    public final GitHubProperties properties;
    public final MutableClock clock;
    public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    public final GitHubMetrics metrics;
    public final GitHubGate gate;
    public final GitHubHttp http;
    final GitHubCredentials credentials;

    private GitHubClients(Map<String, String> settings, MutableClock clock) {
        Map<String, String> all = new HashMap<>();
        // Tests count requests precisely; our own pace limiter must not be what they observe.
        all.put("runnerscale.github.rate-limiter.limit-for-period", "10000");
        all.putAll(settings);
        this.properties = new Binder(new MapConfigurationPropertySource(all))
                .bindOrCreate("runnerscale.github", GitHubProperties.class);
        this.clock = clock;
        this.metrics = new GitHubMetrics(registry);
        this.gate = new GitHubGate(clock);
        this.http = new GitHubHttp(properties, JsonMapper.builder().build(), gate, metrics, clock);
        this.credentials = GitHubCredentials.from(properties, http, clock);
    }

    public static GitHubClients withToken(String apiUrl, Map<String, String> extra) {
        return withToken(apiUrl, extra, Instant.now());
    }

    public static GitHubClients withToken(String apiUrl, Map<String, String> extra, Instant start) {
        Map<String, String> s = new HashMap<>(extra);
        s.put("runnerscale.github.api-url", apiUrl);
        s.put("runnerscale.github.token", "ghp_testtoken000000000000000000000000");
        return new GitHubClients(s, new MutableClock(start));
    }

    /** With the caller's clock (a ticking one, for parts that wait on GitHub's Retry-After in real time). */
    public static GitHubClients withToken(String apiUrl, Map<String, String> extra, MutableClock clock) {
        Map<String, String> s = new HashMap<>(extra);
        s.put("runnerscale.github.api-url", apiUrl);
        s.put("runnerscale.github.token", "ghp_testtoken000000000000000000000000");
        return new GitHubClients(s, clock);
    }

    /** A GitHub App pinned to one installation ({@code installation-id}): no lookup. */
    public static GitHubClients withApp(String apiUrl, long appId, String pem, long installationId, Instant start) {
        return withApp(
                apiUrl,
                appId,
                pem,
                Map.of("runnerscale.github.installation-id", String.valueOf(installationId)),
                new MutableClock(start));
    }

    /** A GitHub App that looks up the installation of every owner it serves (no {@code installation-id}). */
    public static GitHubClients withAppLookingUpInstallations(
            String apiUrl, long appId, String pem, Map<String, String> extra, MutableClock clock) {
        return withApp(apiUrl, appId, pem, extra, clock);
    }

    private static GitHubClients withApp(
            String apiUrl, long appId, String pem, Map<String, String> extra, MutableClock clock) {
        Map<String, String> s = new HashMap<>(extra);
        s.put("runnerscale.github.api-url", apiUrl);
        s.put("runnerscale.github.app-id", String.valueOf(appId));
        s.put("runnerscale.github.private-key", pem);
        return new GitHubClients(s, clock);
    }

    public GitHubRunnerApi runners() {
        return new RestGitHubRunnerApi(http, credentials);
    }

    public GitHubJobApi jobs() {
        return new RestGitHubJobApi(http, credentials, clock);
    }

    public GitHubHookDeliveries deliveries() {
        return new RestGitHubHookDeliveries(http, credentials);
    }

    /** The rate-limit probe over the credential usable without a lookup (the token or the pinned installation). */
    public GitHubRateLimitProbe rateLimitProbe() {
        return new GitHubRateLimitProbe(
                properties,
                http,
                credentials.withoutLookup(),
                JsonMapper.builder().build());
    }

    /** A fresh RSA key pair, as GitHub generates for an App. */
    public static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pkcs8Pem(KeyPair keys) {
        return pem("PRIVATE KEY", keys.getPrivate().getEncoded());
    }

    /** GitHub's download format: PKCS#1, i.e. the key inside PKCS#8's 26-byte RSA header. */
    public static String pkcs1Pem(KeyPair keys) {
        byte[] pkcs8 = keys.getPrivate().getEncoded();
        return pem("RSA PRIVATE KEY", Arrays.copyOfRange(pkcs8, 26, pkcs8.length));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
