package dev.runnerscale.taskapi.tokens;

import dev.runnerscale.taskapi.config.TaskApiProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Mints, checks and revokes bearer tokens. Only a SHA-256 of a token is stored: tokens carry 256 random bits, so a
 * plain hash (no salt, no slow KDF) cannot be brute-forced and lets the lookup be one indexed equality.
 */
@Service
public class TokenService {

    /** Prefix so that secret scanners (GitHub push protection, gitleaks) can recognise leaked tokens. */
    static final String PREFIX = "tapi_";

    static final String BOOTSTRAP_OWNER = "admin";

    private static final Logger log = LoggerFactory.getLogger(TokenService.class);

    private final TokenRepository tokens;
    private final TaskApiProperties properties;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    TokenService(TokenRepository tokens, TaskApiProperties properties, Clock clock) {
        this.tokens = tokens;
        this.properties = properties;
        this.clock = clock;
    }

    /** A freshly minted token; {@code token} is the only time the secret is ever available. */
    public record MintedToken(UUID id, String owner, List<Scope> scopes, String token) {}

    public MintedToken mint(String owner, List<Scope> scopes) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        UUID id = UUID.randomUUID();
        List<Scope> ordered = List.copyOf(EnumSet.copyOf(scopes));
        tokens.insert(id, owner, ordered, hash(token), false, clock.instant());
        log.info("Minted token {} for owner {} with scopes {}", id, owner, ordered);
        return new MintedToken(id, owner, ordered, token);
    }

    Optional<Caller> authenticate(String token) {
        return tokens.findActive(hash(token));
    }

    List<ApiToken> list() {
        return tokens.findAll();
    }

    boolean revoke(UUID id) {
        boolean revoked = tokens.revoke(id, clock.instant());
        if (revoked) {
            log.info("Revoked token {}", id);
        }
        return revoked;
    }

    /**
     * Seeds {@code TASKAPI_BOOTSTRAP_TOKEN} as an admin token. Idempotent across restarts and across instances
     * starting together (insert-if-absent on the hash); a revoked bootstrap token stays revoked.
     */
    @EventListener(ApplicationReadyEvent.class)
    public void seedBootstrapToken() {
        String token = properties.bootstrapToken();
        if (token == null) {
            return;
        }
        boolean inserted = tokens.insert(
                UUID.randomUUID(), BOOTSTRAP_OWNER, List.of(Scope.ADMIN), hash(token), true, clock.instant());
        log.info(inserted ? "Seeded the bootstrap admin token" : "Bootstrap admin token already present");
    }

    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required on every Java platform", e);
        }
    }
}
